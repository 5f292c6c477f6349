/* mime: the MIME type of a file, for an upload's slot request.
 *
 * libmagic (Debian's libmagic1) reads the file's first bytes. Like
 * libcurl (core/http.c) it is loaded with dlopen() the first time a
 * type is asked for, so a natter that never uploads never maps it; its
 * database is only ever mapped by the child process that names a type.
 */
#ifndef NATTER_CORE_MIME_H
#define NATTER_CORE_MIME_H

/* The type of the open file fd ("image/png"), read from its start; the
 * offset is left at 0. Waits for the child (tens of ms). When libmagic
 * cannot be loaded or says nothing useful: "application/octet-stream".
 * The caller frees it. */
char *mime_of_fd(int fd);

#endif
