#ifndef CFSH_SUPPORT_H
#define CFSH_SUPPORT_H
/// Installs a SIGINT handler without SA_RESTART that only counts interrupts (async-signal-safe).
void cfsh_install_sigint(void);
/// Returns how many SIGINTs have arrived since start.
int cfsh_sigint_count(void);
#endif
