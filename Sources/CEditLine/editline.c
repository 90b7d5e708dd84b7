// libedit through dlopen: see CEditLine.h.
#include "CEditLine.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

static struct {
  EditLine *(*el_init)(const char *, FILE *, FILE *, FILE *);
  void (*el_end)(EditLine *);
  const char *(*el_gets)(EditLine *, int *);
  void (*el_reset)(EditLine *);
  int (*el_source)(EditLine *, const char *);
  const LineInfo *(*el_line)(EditLine *);
  void (*el_deletestr)(EditLine *, int);
  int (*el_insertstr)(EditLine *, const char *);
  void (*el_resize)(EditLine *);
  int (*el_set)(EditLine *, int, ...);
  int (*el_get)(EditLine *, int, ...);
  History *(*history_init)(void);
  void (*history_end)(History *);
  int (*history)(History *, HistEvent *, int, ...);
} api;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *failure = NULL;
static char failureText[512];

#define FIND(name)                                                   \
  do {                                                               \
    *(void **)&api.name = dlsym(lib, #name);                         \
    if (api.name == NULL) {                                          \
      snprintf(failureText, sizeof failureText, "%s has no %s", soname, #name); \
      failure = failureText;                                         \
      return;                                                        \
    }                                                                \
  } while (0)

static void load(void) {
  // The soname of libedit 3.x (Debian's libedit2 package): what linking -ledit would record.
  static const char soname[] = "libedit.so.2";
  void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    const char *why = dlerror();
    snprintf(failureText, sizeof failureText, "%s", why ? why : "cannot load libedit.so.2");
    failure = failureText;
    return;
  }
  FIND(el_init);
  FIND(el_end);
  FIND(el_gets);
  FIND(el_reset);
  FIND(el_source);
  FIND(el_line);
  FIND(el_deletestr);
  FIND(el_insertstr);
  FIND(el_resize);
  FIND(el_set);
  FIND(el_get);
  FIND(history_init);
  FIND(history_end);
  FIND(history);
}

const char *cel_load(void) {
  pthread_once(&once, load);
  return failure;
}

EditLine *cel_init(const char *prog, FILE *in, FILE *out, FILE *err) {
  return api.el_init(prog, in, out, err);
}
void cel_end(EditLine *el) { api.el_end(el); }
const char *cel_gets(EditLine *el, int *count) { return api.el_gets(el, count); }
void cel_reset(EditLine *el) { api.el_reset(el); }
int cel_source(EditLine *el, const char *file) { return api.el_source(el, file); }
const LineInfo *cel_line(EditLine *el) { return api.el_line(el); }
void cel_deletestr(EditLine *el, int count) { api.el_deletestr(el, count); }
int cel_insertstr(EditLine *el, const char *text) { return api.el_insertstr(el, text); }
int cel_set_prompt_esc(EditLine *el, cel_prompt_fn f, char esc) {
  return api.el_set(el, EL_PROMPT_ESC, f, esc);
}
int cel_set_editor(EditLine *el, const char *mode) { return api.el_set(el, EL_EDITOR, mode); }
int cel_set_signal(EditLine *el, int on) { return api.el_set(el, EL_SIGNAL, on); }
int cel_set_hist(EditLine *el, History *h) { return api.el_set(el, EL_HIST, api.history, h); }
int cel_addfn(EditLine *el, const char *name, const char *help, cel_cmd_fn f) {
  return api.el_set(el, EL_ADDFN, name, help, f);
}
int cel_bind(EditLine *el, const char *key, const char *fn) {
  return api.el_set(el, EL_BIND, key, fn, (const char *)NULL);
}
int cel_set_clientdata(EditLine *el, void *p) { return api.el_set(el, EL_CLIENTDATA, p); }
void *cel_get_clientdata(EditLine *el) {
  void *p = NULL;
  api.el_get(el, EL_CLIENTDATA, &p);
  return p;
}
void cel_resize_cb(void *el) { api.el_resize((EditLine *)el); }
void cel_refresh_cb(void *el) { api.el_set((EditLine *)el, EL_REFRESH); }

History *chist_init(void) { return api.history_init(); }
void chist_end(History *h) { api.history_end(h); }
int chist_setsize(History *h, int n) {
  HistEvent ev;
  return api.history(h, &ev, H_SETSIZE, n);
}
int chist_setunique(History *h, int on) {
  HistEvent ev;
  return api.history(h, &ev, H_SETUNIQUE, on);
}
int chist_enter(History *h, const char *line) {
  HistEvent ev;
  return api.history(h, &ev, H_ENTER, line);
}

FILE *cel_stdin(void) { return stdin; }
FILE *cel_stdout(void) { return stdout; }
FILE *cel_stderr(void) { return stderr; }
