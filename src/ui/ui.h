/* ui: the terminal front end (ncurses).
 *
 * The UI reads the core model and draws it; it never owns model state.
 * ui_draw() is called once per loop pass and draws only when something
 * is dirty. Keys become edits of the command line or commands (cmd/).
 */
#ifndef NATTER_UI_UI_H
#define NATTER_UI_UI_H

#include <stddef.h>
#include <stdint.h>

struct app;

/* Takes over the terminal. Returns 0, or -1 when it is not a terminal. */
int ui_init(struct app *app);
/* Gives the terminal back as it was. */
void ui_end(struct app *app);
void ui_draw(struct app *app);
/* Reads and handles every key that is waiting on stdin. */
void ui_on_input(struct app *app);
/* The terminal changed size (SIGWINCH). */
void ui_resize(struct app *app);
/* Words core events on the console (notify.c). */
void ui_notify_init(struct app *app);
/* An XMPP stanza error condition in plain words (notify.c). */
const char *ui_condition_words(const char *cond);
/* A transfer's state in one line ("Transfer 3: a.png: 1.2 MiB of 4.0
 * MiB (30%), 800 KiB/s"), as its window shows it (transfernotify.c);
 * the caller frees it. */
struct transfer;
char *transfernotify_line(const struct transfer *t);
/* A size in words ("1.2 MiB") into buf. */
void transfernotify_size(int64_t bytes, char *buf, size_t size);

/* What a contact publishes (core/pep.h) in words (feednotify.c):
 * pep_line, one kind (enum pep_kind) for /info ("listening to: ...");
 * pep_brief, all of it in short for a conversation's title. NULL when
 * there is nothing to say; the caller frees them. */
struct pep_user;
char *feednotify_pep_line(const struct pep_user *u, int kind);
char *feednotify_pep_brief(const struct pep_user *u);

#endif
