/* dialog: a form the user fills in, as plain data.
 *
 * Every data form natter shows is a dialog: gateway and account
 * registration (XEP-0077), ad-hoc command steps (XEP-0050), suggested
 * roster changes (XEP-0144), confirmations. A dialog lives in its own
 * window (win->dialog, and d->win back). It owns a struct form and the
 * state of the editor around it: which field has the focus, whether a
 * list's choices are open, the server's last complaint, and for ad-hoc
 * commands the actions and notes of the current step. ui/ draws and
 * edits it; this file only moves the focus and changes values, so tests
 * can drive it without a terminal.
 *
 * What a dialog is for travels with it as a `struct dialog_ops`, handed
 * over by whoever opens it (as tmux gives each window mode its
 * `struct window_mode`): submitting and cancelling call through it, and
 * its flags and words tell the UI what to show. No code switches over
 * the features that open dialogs; a new one brings its own ops.
 */
#ifndef NATTER_CORE_DIALOG_H
#define NATTER_CORE_DIALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/form.h"

struct account;

struct app;
struct window;

/* What one kind of dialog does; a static table in the file that opens
 * such dialogs. */
struct dialog_ops {
	/* the keys line's word for submitting: "submit", "leave", "apply" */
	const char *submit_word;
	unsigned flags; /* DLG_* below */
	/* Sends what the user filled in; action is a DLG_ACT_* bit, 0 for
	 * the step's default. Called only while the dialog is neither busy
	 * nor done, and with DLG_NEEDS_ONLINE only while its account is
	 * online. May close the window. */
	void (*submit)(struct app *app, struct window *w, unsigned action);
	/* The user gave up: tells whoever waits on the other end. Called
	 * just before the window closes; NULL when nobody needs telling. */
	void (*cancel)(struct app *app, struct window *w);
};

#define DLG_NEEDS_ONLINE 1u /* submitting needs the account online */
#define DLG_STEPS 2u        /* XEP-0050 steps: F7/F8/F9 pick the action */
#define DLG_YESNO 4u        /* a question: Enter or y says yes, n no */
#define DLG_REGISTRATION 8u /* a registration: failures are worded so */

/* XEP-0050 actions a step allows. */
#define DLG_ACT_EXECUTE 1u
#define DLG_ACT_PREV 2u
#define DLG_ACT_NEXT 4u
#define DLG_ACT_COMPLETE 8u

enum note_type { NOTE_INFO, NOTE_WARN, NOTE_ERROR };

struct dialog_note {
	enum note_type type;
	char *text;
};

/* A suggested roster change (XEP-0144). */
enum rx_action { RX_ADD, RX_MODIFY, RX_DELETE };

struct rx_item {
	enum rx_action action;
	char *jid;
	char *name;  /* may be NULL */
	char *group; /* the first suggested group, may be NULL */
};

struct dialog {
	const struct dialog_ops *ops; /* never NULL */
	struct window *win; /* the window that owns and shows it, or NULL
			     * before it opens; a new form bumps its
			     * generation */
	struct account *acc;
	char *jid;       /* who the form is from (a gateway, a server) */
	char *node;      /* ad-hoc command: the command's node */
	char *session;   /* ad-hoc command: its sessionid */
	char *heading;   /* what the dialog is for, shown above the title */
	struct form form;
	bool legacy;     /* XEP-0077 legacy fields rather than a data form */
	bool edit;       /* already registered: this changes the registration */
	bool done;       /* finished: the form is a result, nothing to send */
	char *url;       /* an out-of-band URL to visit (XEP-0066), or NULL */
	char *error;     /* why the last attempt failed (our words or the
			  * server's), or NULL */
	char *err_cond;  /* the XMPP error condition behind it, or NULL */
	bool busy;       /* sent; waiting for the answer */
	unsigned actions;     /* DLG_ACT_* the step allows */
	unsigned def_action;  /* what submitting does */
	struct dialog_note *notes;
	size_t nnotes;
	size_t focus;    /* index of the focused field in form.fields */
	bool choosing;   /* the focused list's choices are open */
	size_t choice;   /* the highlighted choice while choosing */
	struct rx_item *items; /* roster exchange: one per boolean field */
	size_t nitems;
};

/* A dialog doing what ops says (NULL: nothing but closing, for tests);
 * ops is borrowed and must outlive it (a static table). */
struct dialog *dialog_new(const struct dialog_ops *ops, struct account *acc,
			  const char *jid);
void dialog_free(struct dialog **d);
/* Takes over *form (zeroed) as the dialog's form; focuses the first
 * field the user can edit; clears choosing; bumps the window's
 * generation, so an editor holding a field of the old form reloads. */
void dialog_set_form(struct dialog *d, struct form *form);
/* Sets (NULL: clears) what went wrong: a condition and/or text. */
void dialog_set_error(struct dialog *d, const char *text);
void dialog_set_failure(struct dialog *d, const char *cond, const char *text);
void dialog_add_note(struct dialog *d, enum note_type t, const char *text);
void dialog_clear_notes(struct dialog *d);

/* True for fields the user can move to (not hidden, not fixed). */
bool dialog_editable(const struct form_field *fl);
/* Moves the focus to the next/previous editable field, wrapping. */
void dialog_focus_next(struct dialog *d);
void dialog_focus_prev(struct dialog *d);
/* Focuses field i if it is editable. */
void dialog_focus(struct dialog *d, size_t i);
/* The focused field, or NULL when the form has nothing editable. */
struct form_field *dialog_field(struct dialog *d);
/* Space: toggles a boolean; opens a list's choices; while choosing,
 * picks (list-single) or toggles (list-multi) the highlighted choice. */
void dialog_space(struct dialog *d);
/* Enter on a list opens or (while choosing) closes its choices;
 * list-single picks the highlighted one. Returns true when the key was
 * used. */
bool dialog_enter(struct dialog *d);
/* Moves the highlighted choice while choosing. */
void dialog_choice_move(struct dialog *d, int delta);
/* Whether value v is among the field's values (list-multi). */
bool dialog_has_value(const struct form_field *fl, const char *v);
/* Boolean fields: the value read as true/false. */
bool dialog_bool(const struct form_field *fl);
/* Checks the form before sending: on failure focuses the field, sets
 * error to "LABEL: reason" and returns -1. */
int dialog_check(struct dialog *d);
/* The field's name for messages: label, else var. */
const char *dialog_field_name(const struct form_field *fl);
/* Focuses the field whose label or var appears in text (a server's
 * not-acceptable explanation); returns true if one did. */
bool dialog_focus_mentioned(struct dialog *d, const char *text);
/* Roster exchange: adds a suggestion and its checkbox (checked). Strings are
 * copied; they must be sanitised already. */
void dialog_add_rx(struct dialog *d, enum rx_action a, const char *jid,
		   const char *name, const char *group);

#endif
