#ifndef CEDITLINE_H
#define CEDITLINE_H
// libedit for the line editor, loaded when the first prompt needs it (dlopen of libedit.so.2),
// not linked: a one-shot `fsh -c …` or a script never maps it and the three libraries it brings
// (libtinfo, libbsd, libmd), which took ~0.3 ms of every start. Typed wrappers, too, for
// libedit's variadic el_set/el_get/history, which do not import into Swift.
// Native histedit.h API only: never GNU readline.
#include <histedit.h>
#include <stdio.h>

/// Loads libedit the first time it is called. NULL when it is loaded; otherwise why it could not
/// be (the dynamic loader's words), and every other function here must not be called.
const char *cel_load(void);

typedef char *(*cel_prompt_fn)(EditLine *);
typedef unsigned char (*cel_cmd_fn)(EditLine *, int);

EditLine *cel_init(const char *prog, FILE *in, FILE *out, FILE *err);
void cel_end(EditLine *el);
const char *cel_gets(EditLine *el, int *count);
void cel_reset(EditLine *el);
int cel_source(EditLine *el, const char *file);
const LineInfo *cel_line(EditLine *el);
void cel_deletestr(EditLine *el, int count);
int cel_insertstr(EditLine *el, const char *text);
int cel_set_prompt_esc(EditLine *el, cel_prompt_fn f, char esc);
int cel_set_editor(EditLine *el, const char *mode);
int cel_set_signal(EditLine *el, int on);
int cel_set_hist(EditLine *el, History *h);
int cel_addfn(EditLine *el, const char *name, const char *help, cel_cmd_fn f);
int cel_bind(EditLine *el, const char *key, const char *fn);
int cel_set_clientdata(EditLine *el, void *p);
void *cel_get_clientdata(EditLine *el);
/// For CFshSupport's SIGWINCH and SIGTSTP handlers: `el` is the EditLine.
void cel_resize_cb(void *el);
void cel_refresh_cb(void *el);

History *chist_init(void);
void chist_end(History *h);
int chist_setsize(History *h, int n);
int chist_setunique(History *h, int on);
int chist_enter(History *h, const char *line);

FILE *cel_stdin(void);
FILE *cel_stdout(void);
FILE *cel_stderr(void);
#endif
