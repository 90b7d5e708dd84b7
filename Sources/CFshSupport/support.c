#include "CFshSupport.h"
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t g_sigint = 0;

static void on_sigint(int s) {
  (void)s;
  g_sigint++;
}

void cfsh_install_sigint(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: el_gets must return with EINTR */
  sigaction(SIGINT, &sa, NULL);
}

int cfsh_sigint_count(void) { return g_sigint; }
