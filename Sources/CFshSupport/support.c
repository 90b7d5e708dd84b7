#include "CFshSupport.h"
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t g_sigint = 0;
static volatile sig_atomic_t g_term = 0;
static volatile sig_atomic_t g_active = 0;
static void *g_el = 0;
static void (*g_resize)(void *) = 0;
static void (*g_refresh)(void *) = 0;
static struct termios g_cooked;
static int g_have_cooked = 0;

static void install(int sig, void (*handler)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = flags;
  sigaction(sig, &sa, NULL);
}

static void on_sigint(int s) {
  (void)s;
  g_sigint++;
}

static void on_term(int s) {
  if (g_term == 0) g_term = s;
}

/* no SA_RESTART: el_gets must return with EINTR */
void cfsh_install_sigint(void) { install(SIGINT, on_sigint, 0); }

int cfsh_sigint_count(void) { return g_sigint; }

int cfsh_sigint_ignored(void) {
  struct sigaction old;
  if (sigaction(SIGINT, NULL, &old) != 0) return 0;
  return old.sa_handler == SIG_IGN;
}

static struct sigaction g_saved_int;

void cfsh_sigint_push(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, &g_saved_int);
}

void cfsh_sigint_pop(void) { sigaction(SIGINT, &g_saved_int, NULL); }

void cfsh_install_termination(void) {
  install(SIGTERM, on_term, 0);
  install(SIGHUP, on_term, 0);
  install(SIGQUIT, on_term, 0);
}

int cfsh_termination_signal(void) { return g_term; }

static void on_winch(int s) {
  int e = errno;
  (void)s;
  if (g_active && g_el && g_resize) g_resize(g_el);
  errno = e;
}

static void on_tstp(int s) {
  int e = errno;
  struct termios raw;
  int have_raw = tcgetattr(STDIN_FILENO, &raw) == 0;
  if (g_have_cooked) tcsetattr(STDIN_FILENO, TCSADRAIN, &g_cooked);
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGTSTP);
  signal(SIGTSTP, SIG_DFL);
  sigprocmask(SIG_UNBLOCK, &set, &old);
  raise(SIGTSTP); /* stops here until SIGCONT */
  sigprocmask(SIG_SETMASK, &old, NULL);
  install(SIGTSTP, on_tstp, SA_RESTART);
  if (have_raw) tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
  if (g_active && g_el && g_refresh) g_refresh(g_el);
  (void)s;
  errno = e;
}

void cfsh_install_editor_signals(void *el, void (*resize)(void *), void (*refresh)(void *)) {
  g_el = el;
  g_resize = resize;
  g_refresh = refresh;
  g_have_cooked = tcgetattr(STDIN_FILENO, &g_cooked) == 0;
  install(SIGWINCH, on_winch, SA_RESTART);
  install(SIGTSTP, on_tstp, SA_RESTART);
}

void cfsh_editor_active(int active) { g_active = active; }

int cfsh_tune_malloc(void) {
  int ok = mallopt(M_ARENA_MAX, 2);
  ok &= mallopt(M_MMAP_THRESHOLD, 32 << 20);
  ok &= mallopt(M_TRIM_THRESHOLD, 128 << 20);
  return ok ? 0 : -1;
}
