#ifndef CFSH_SUPPORT_H
#define CFSH_SUPPORT_H
/// Installs a SIGINT handler without SA_RESTART that only counts interrupts (async-signal-safe),
/// so a blocking read (el_gets) returns with EINTR and a running command can be cancelled.
void cfsh_install_sigint(void);
/* Whether SIGINT is ignored (a job started in the background by a non-interactive shell):
   a script run then keeps it ignored, as every program does. */
int cfsh_sigint_ignored(void);
/// Returns how many SIGINTs have arrived since start.
int cfsh_sigint_count(void);
/// Installs the counting SIGINT handler until `cfsh_sigint_pop`, which puts back what was there:
/// while fsh asks a question, Ctrl-C must end the read (and answer no), not the process, so
/// that a terminal with echo turned off for a secret is always restored.
void cfsh_sigint_push(void);
void cfsh_sigint_pop(void);
/// Installs handlers for SIGTERM, SIGHUP and SIGQUIT (without SA_RESTART) that record the
/// signal, so the shell can cancel what runs, leave the terminal sane and exit after saving its
/// history. (libedit's own EL_SIGNAL handlers re-raise with kill(0, sig), which would also hit
/// a parent in fsh's process group, so fsh handles signals itself.)
void cfsh_install_termination(void);
/// The SIGTERM, SIGHUP or SIGQUIT that arrived, or 0.
int cfsh_termination_signal(void);
/// Installs SIGWINCH and SIGTSTP handlers for the line editor: a resize calls `resize(el)`; a
/// stop puts the terminal back in the modes saved now, stops, then restores the editor's modes
/// and calls `refresh(el)`. The callbacks run only while `cfsh_editor_active(1)` is in effect.
void cfsh_install_editor_signals(void *el, void (*resize)(void *), void (*refresh)(void *));
/// Marks whether the line editor is reading (between el_gets entry and return).
void cfsh_editor_active(int active);
/// Sets glibc's allocator up for the shell (at start, before any thread): blocks of up to
/// 32 MiB from the heaps rather than mapped one by one, up to 128 MiB of freed heap kept rather
/// than handed back, and two arenas (the two threads that read a listing's lists allocate side
/// by side, and the threads that come later reuse what they freed; one arena made the two
/// readers of a per-record listing wait for each other, two more than 10 MB of peak memory).
/// With that, a heap can be grown ahead of a large list and asked for huge pages once
/// (`HugeHeap.prepare` in FshClient): the listing's columns, tables and output blocks then
/// fault in 2 MiB at a time, not 4 KiB. Returns 0 when every setting took.
int cfsh_tune_malloc(void);
#endif
