#ifndef CHOSTSUPPORT_H
#define CHOSTSUPPORT_H

/*
 * Host facilities shared by Vigil's layers: the system trust store's hashed directory, a file's POSIX access ACL,
 * and the allocator's arena cap. Prefix chs_. Every function may be called from any thread.
 */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The hashed certificate directory (OpenSSL's `c_rehash` layout) that holds the system's
 * trusted CAs, searched by issuer name during a handshake instead of parsing a whole
 * bundle at start: $SSL_CERT_DIR if set, else X509_get_default_cert_dir() if it holds
 * hash links. Returns 1 with the path in `dir`; 0 when there is none, or when
 * $SSL_CERT_FILE names a bundle explicitly (then the library defaults apply, which load
 * that file). Both the WebSocket client and the Web API client trust the same store.
 */
int chs_system_trust_directory(char *_Nonnull dir, size_t dir_len);

/**
 * Reads the POSIX access ACL of the open file `fd` (the raw `system.posix_acl_access`
 * extended attribute, as Linux stores it) into `buffer`. Returns the number of bytes, 0
 * when the file has no ACL or the file system keeps none, or -1 with errno set on another
 * error. Used to check that a token file is readable by the service user only (Swift's
 * Glibc module does not export <sys/xattr.h>).
 */
long chs_file_access_acl(int fd, void *_Nonnull buffer, size_t size);

/**
 * Caps the C allocator's arenas at `count` unless $MALLOC_ARENA_MAX is set. Call before any
 * thread starts: glibc otherwise gives each allocating thread an arena of its own (up to
 * 8 per core), each keeping partly used pages. Returns 1 when the cap was set, 0 when the
 * environment decides or the allocator has no such setting.
 */
int chs_limit_malloc_arenas(int count);

#ifdef __cplusplus
}
#endif

#endif /* CHOSTSUPPORT_H */
