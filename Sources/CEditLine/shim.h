// Typed wrappers for libedit's variadic el_set/el_get/history, which do not import into Swift.
// Native histedit.h API only: never GNU readline.
#include <histedit.h>
#include <locale.h>
#include <stdio.h>
typedef char *(*cel_prompt_fn)(EditLine *);
typedef unsigned char (*cel_cmd_fn)(EditLine *, int);
static inline int cel_set_prompt(EditLine *el, cel_prompt_fn f) { return el_set(el, EL_PROMPT, f); }
static inline int cel_set_prompt_esc(EditLine *el, cel_prompt_fn f, char esc) { return el_set(el, EL_PROMPT_ESC, f, esc); }
static inline int cel_set_editor(EditLine *el, const char *m) { return el_set(el, EL_EDITOR, m); }
static inline int cel_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int cel_set_hist(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int cel_addfn(EditLine *el, const char *name, const char *help, cel_cmd_fn f) { return el_set(el, EL_ADDFN, name, help, f); }
static inline int cel_bind(EditLine *el, const char *key, const char *fn) { return el_set(el, EL_BIND, key, fn, (const char *)NULL); }
static inline int cel_set_clientdata(EditLine *el, void *p) { return el_set(el, EL_CLIENTDATA, p); }
static inline int cel_refresh(EditLine *el) { return el_set(el, EL_REFRESH); }
static inline void cel_resize_cb(void *el) { el_resize((EditLine *)el); }
static inline void cel_refresh_cb(void *el) { el_set((EditLine *)el, EL_REFRESH); }
static inline void *cel_get_clientdata(EditLine *el) { void *p = NULL; el_get(el, EL_CLIENTDATA, &p); return p; }
static inline int chist_setsize(History *h, int n) { HistEvent ev; return history(h, &ev, H_SETSIZE, n); }
static inline int chist_setunique(History *h, int on) { HistEvent ev; return history(h, &ev, H_SETUNIQUE, on); }
static inline int chist_enter(History *h, const char *l) { HistEvent ev; return history(h, &ev, H_ENTER, l); }
static inline int chist_clear(History *h) { HistEvent ev; return history(h, &ev, H_CLEAR); }
static inline FILE *cel_stdin(void) { return stdin; }
static inline FILE *cel_stdout(void) { return stdout; }
static inline FILE *cel_stderr(void) { return stderr; }
