/* transfer: files moving over HTTP (core/http.h), numbered for the user.
 *
 * Each transfer has a number, given in order and never reused in a run
 * (/transfers lists them, /cancel N ends one), and belongs to the
 * window it was asked for in, kept by id: that window may close first,
 * and then its news goes to the console. A download is written to
 * "NAME.part" beside its destination and renamed when it is complete,
 * to the first free name of NAME, "NAME (1)", "NAME (2)", ...: a file
 * that exists is never overwritten, nor is half a file ever taken for
 * the whole. TLS follows the window's account (its `tls = "trust"`, for
 * its own server's host) and
 * the pins: the one pinned for "https://HOST" (a web server's, pinned
 * by transfer_trust), else the one pinned for HOST as an XMPP domain
 * (a server that serves both with one certificate); a certificate
 * refused is kept on the transfer, for transfer_trust.
 *
 * An upload (XEP-0363) streams a local file to the PUT address of a
 * slot the upload service gave; it starts before the slot comes (url
 * NULL meanwhile), so that it is listed and can be cancelled while the
 * service is asked, and when the PUT went well its `sent` callback
 * (the xmpp layer's) sends get_url to the window's peer.
 * A transfer may also be peer to peer (transfer_receive, transfer_send):
 * then whoever moves its bytes (xmpp/'s streams) hands them over
 * (transfer_write, transfer_read) and says when it ended
 * (transfer_end); the file, the part, the limits, the numbering and
 * the news stay here. A received file's name is the sender's made safe
 * (url_clean_name) and is saved as a download is.
 *
 * Events (core/event.h): EV_TRANSFER when one starts, every
 * TRANSFER_TICK_MS at most while it moves, and when it ends. The last
 * TRANSFERS_KEPT ended transfers stay listed.
 */
#ifndef NATTER_CORE_TRANSFER_H
#define NATTER_CORE_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct app;
struct account;
struct tlscert;
struct http_xfer;
struct window;

#define TRANSFER_TICK_MS 500
#define TRANSFERS_KEPT 20

enum transfer_state { TRANSFER_RUNNING, TRANSFER_DONE, TRANSFER_FAILED,
		      TRANSFER_CANCELLED };

struct transfer;
/* Tells whoever moves a peer-to-peer transfer's bytes that the user
 * cancelled it: it stops (telling the other party) and forgets t, which
 * ends as cancelled when this returns; it must not call transfer_end. */
typedef void (*transfer_stop_fn)(struct transfer *t, void *ud);

struct transfer {
	struct app *app;
	unsigned n;
	enum transfer_state state;
	uint64_t win_id;      /* the window it was asked for in */
	struct account *acc;  /* whose TLS rules apply; may be NULL */
	char *url;
	char *dest;           /* the destination asked for, or NULL */
	char *name;           /* the file name it is saved as */
	char *path;           /* where it goes; set when done */
	char *part;           /* where it is written meanwhile */
	int fd;
	int64_t done, total;  /* bytes; total -1 when not known */
	int64_t rate;         /* bytes a second */
	char *error;          /* why it failed */
	char *host;           /* the URL's host */
	char *cert_fp;        /* a refused certificate's fingerprint, or
			       * NULL */
	char *cert_subject, *cert_issuer;
	uint64_t last_tick;   /* when progress was last told (loop ms) */
	struct http_xfer *x;  /* while running */
	/* uploads: the file goes from fd (read-only) to url */
	bool upload;
	char *src;            /* the local path, as given */
	char *mime;           /* its type (core/mime.h) */
	char *to;             /* the peer told: a bare or a room JID */
	bool to_room;
	char *get_url;        /* where it can be fetched; set with the slot */
	void (*sent)(struct transfer *t); /* the PUT went well */
	char *refused;        /* the service's error condition, or NULL */
	/* peer to peer (transfer_receive, transfer_send); peer NULL for
	 * HTTP */
	char *peer;           /* the other party's JID, one clean line */
	bool sending;         /* we send the file (fd reads it) */
	transfer_stop_fn stop; /* told of a /cancel, while running */
	void *stop_ud;
	uint64_t started;     /* loop ms */
	void *digest;         /* receiving: the hash being computed of what
			       * came (transfer_expect_hash), or NULL */
	char *want_hash;      /* and the one the sender said, lower case */
	char *hash_name;      /* its algorithm, as OpenSSL names it */
	/* an upload to a room: what became of the message with its
	 * address (xmpp/upload.c), for ui/transfernotify.c to say */
	enum transfer_url_fate {
		TRANSFER_URL_SENT,   /* sent or queued in the room's window */
		TRANSFER_URL_WAITS,  /* the window was closed: it waits in
				      * the outbox for the next join */
		TRANSFER_URL_UNSENT, /* not in the room and no outbox
				      * (history off): not sent */
	} url_fate;
};

/* Whether a's tls = "trust" covers host: it speaks for the account's
 * own server (its domain, or the server it connects to), not for every
 * host a link in its windows names. */
bool transfer_trust_applies(const struct account *a, const char *host);
/* Where downloads go by default: the download_dir option, else
 * $XDG_DOWNLOAD_DIR, else ~/Downloads/natter. The caller frees it. */
char *transfer_download_dir(const struct app *app);
/* Starts downloading url for window w (NULL: the console) into dest: a
 * directory (the name comes from the URL, util/url.h) or a file path;
 * NULL: transfer_download_dir(). Returns the transfer, or NULL with
 * *err (the caller frees it). */
struct transfer *transfer_download(struct app *app, struct window *w,
				   const char *url, const char *dest,
				   char **err);
/* The name an upload of path asks for: its last part, sanitised (no
 * separators or controls, no leading dot or space, at most
 * URL_NAME_MAX bytes), "file" when nothing is left. The caller frees
 * it. */
char *transfer_upload_name(const char *path);
/* Starts an upload of the regular file path (a leading ~/ is the home)
 * for window w (a conversation or a room, whose peer is told), with no
 * slot yet. Returns it, or NULL with *err (the caller frees it). */
struct transfer *transfer_upload(struct app *app, struct window *w,
				 const char *path, char **err);
/* The slot for running upload t came: PUT it to put_url with headers
 * ("Name: value", NULL-terminated; may be NULL); then sent(t) with
 * get_url. Returns 0, or -1 with t failed. */
int transfer_upload_put(struct transfer *t, const char *put_url,
			const char *const *headers, const char *get_url,
			void (*sent)(struct transfer *t));
/* Ends running transfer t as failed, for why (copied). */
void transfer_fail(struct transfer *t, const char *why);
/* Ends running upload t as refused by the upload service: the XMPP
 * error condition cond and its text (either may be NULL). */
void transfer_refused(struct transfer *t, const char *cond,
		      const char *text);
/* Transfer n, running or recently ended, or NULL. */
struct transfer *transfer_find(struct app *app, unsigned n);
/* Cancels running transfer n. Returns 0, -1 when there is no such
 * transfer, -2 when it has ended. */
int transfer_cancel(struct app *app, unsigned n);
/* The transfers listed, oldest first; i < transfer_count(). */
size_t transfer_count(const struct app *app);
const struct transfer *transfer_at(const struct app *app, size_t i);
/* How many run, and their bytes done and expected (those that say). */
size_t transfer_running(const struct app *app, int64_t *done,
			int64_t *total);
/* Pins the certificate transfer n was refused for "https://HOST" and
 * starts the download again, as a new transfer. Returns it, or NULL
 * with *err (the caller frees it); an upload is not started again (its
 * slot was for one try): NULL, *err saying it was pinned. */
struct transfer *transfer_trust(struct app *app, unsigned n, char **err);
/* Peer to peer. Starts receiving a file of size bytes (-1: not said)
 * that peer calls name, for window w (NULL: the console), into dest as
 * transfer_download takes it (NULL: transfer_download_dir()); stop is
 * called on a /cancel. Refuses a size over max_download. Returns the
 * transfer, or NULL with *err (the caller frees it). */
struct transfer *transfer_receive(struct app *app, struct window *w,
				  struct account *acc, const char *peer,
				  const char *name, int64_t size,
				  const char *dest, transfer_stop_fn stop,
				  void *ud, char **err);
/* Starts sending the file at path to peer: opens it to read. Returns
 * the transfer (total: the file's size), or NULL with *err. */
struct transfer *transfer_send(struct app *app, struct window *w,
			       struct account *acc, const char *peer,
			       const char *path, transfer_stop_fn stop,
			       void *ud, char **err);
/* The sender said the file's hash: algo "md5", "sha-1", "sha-256" or
 * "sha-512" (XEP-0300's names), hex the digest in hex. What comes is
 * hashed as it is written, and a file whose hash differs fails at the
 * end and is not kept. Returns 0, or -1 for an algorithm or digest
 * natter cannot check (nothing is checked then). hex NULL: the hash is
 * computed from the start but the one to compare with comes later (a
 * second call with the same algo, which keeps what was computed; none
 * coming, nothing is checked). */
int transfer_expect_hash(struct transfer *t, const char *algo,
			 const char *hex);
/* Writes bytes received: NULL, or why they cannot be taken (more than
 * the offer said, over max_download, a write error: borrowed, valid
 * until the next call). */
const char *transfer_write(struct transfer *t, const void *buf, size_t len);
/* Reads the next bytes to send: how many (0 at the end), or -1 with
 * errno. */
ssize_t transfer_read(struct transfer *t, void *buf, size_t len);
/* The stream ended: error NULL means it finished (a received file
 * shorter than announced still fails, and is moved to its free name
 * only when whole), else why it failed. t may be freed after this. */
void transfer_end(struct transfer *t, const char *error);
/* Whether an offer of a file from bare (the sender's bare JID) may be
 * shown: someone in acc's roster with a subscription either way, or
 * anyone when file_offers_from_strangers is set. */
bool transfer_offer_welcome(const struct app *app, struct account *acc,
			    const char *bare);
/* Tells of an offer (EV_FILE_OFFER): one that waits is in dialog, a
 * window added without being made current. */
struct ev_file_offer;
void transfer_offered(struct app *app, struct account *acc,
		      struct window *dialog, const struct ev_file_offer *o);
/* Cancels everything (at exit) and frees it all. */
void transfer_shutdown(struct app *app);

#endif
