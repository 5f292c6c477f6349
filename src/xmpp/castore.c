/* castore: the CA certificates read as needed (see castore.h).
 *
 * Counting is cheap next to what it saves: one pass over the bundle's
 * lines (about 200 KiB) and one over the directory's names, once at
 * start. A certificate whose subject's hash is another's is HHHHHHHH.1
 * and is counted like the rest; revocation lists (HHHHHHHH.rN) are not
 * certificates, and a bundle that holds one is left to OpenSSL.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/proc.h"
#include "util/log.h"
#include "xmpp/castore.h"

/* Certificates in the PEM file path, or -1 when it cannot be read or
 * holds a revocation list. */
static long pem_certificates(const char *path)
{
	static const char begin[] = "-----BEGIN ";
	FILE *f = fopen(path, "re");
	char line[256];
	bool whole = true; /* line starts a line of the file */
	long n = 0;

	if (!f)
		return -1;
	while (n >= 0 && fgets(line, sizeof line, f)) {
		bool at_start = whole;

		whole = strchr(line, '\n') != NULL;
		if (!at_start || strncmp(line, begin, sizeof begin - 1) != 0)
			continue;
		if (strstr(line, " CRL-----"))
			n = -1;
		else if (strstr(line, "CERTIFICATE-----"))
			n++;
	}
	if (ferror(f))
		n = -1;
	fclose(f);
	return n;
}

/* Whether name is a certificate's hashed name: 8 hex digits, a dot, a
 * decimal number. */
static bool hashed_name(const char *name)
{
	size_t i;

	for (i = 0; i < 8; i++)
		if (!isxdigit((unsigned char)name[i]))
			return false;
	if (name[8] != '.' || !name[9])
		return false;
	for (i = 9; name[i]; i++)
		if (!isdigit((unsigned char)name[i]))
			return false;
	return true;
}

/* Hashed certificate names in directory path, or -1. */
static long hashed_certificates(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	long n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (hashed_name(e->d_name))
			n++;
	closedir(d);
	return n;
}

bool castore_dir_suffices(const char *file, const char *dir)
{
	long in_file = pem_certificates(file);

	return in_file > 0 && hashed_certificates(dir) >= in_file;
}

bool castore_lazy(void)
{
	const char *dir = getenv(X509_get_default_cert_dir_env());
	const char *file = X509_get_default_cert_file();

	if (getenv(X509_get_default_cert_file_env()))
		return false;
	/* OpenSSL reads a list of directories there (none when empty);
	 * one is compared */
	if (dir && (!*dir || strchr(dir, ':')))
		return false;
	if (!dir)
		dir = X509_get_default_cert_dir();
	if (!castore_dir_suffices(file, dir))
		return false;
	if (setenv(X509_get_default_cert_file_env(), "/dev/null", 1) < 0)
		return false;
	proc_hide_env(X509_get_default_cert_file_env());
	log_msg(LOG_INFO, "tls", "CA certificates: %s, as chains need them "
		"(the bundle %s holds no more)", dir, file);
	return true;
}
