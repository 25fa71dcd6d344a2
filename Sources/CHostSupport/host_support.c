/*
 * CHostSupport: the few host facilities Swift's Glibc module does not reach, for every layer that needs them
 * (the lws shim and the libcurl driver trust the same certificate store; the configuration checks a token
 * file's ACL; the executable caps the allocator's arenas). Nothing here knows about Slack or WebSockets.
 */
#define _GNU_SOURCE
#include "CHostSupport.h"
#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <openssl/x509.h>

/* Whether `dir` holds OpenSSL's hashed links (`5ad8a5d6.0`: 8 hex digits, a dot, a digit). */
static int chs_dir_has_hash_links(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        size_t i = 0;
        while (i < 8 && ((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f'))) i++;
        found = i == 8 && n[8] == '.' && n[9] >= '0' && n[9] <= '9';
    }
    closedir(d);
    return found;
}

long chs_file_access_acl(int fd, void *buffer, size_t size) {
#if defined(__linux__)
    ssize_t count = fgetxattr(fd, "system.posix_acl_access", buffer, size);
    if (count >= 0) return (long)count;
    if (errno == ENODATA || errno == ENOTSUP) return 0;
    return -1;
#else
    (void)fd; (void)buffer; (void)size;
    return 0;
#endif
}

int chs_system_trust_directory(char *dir, size_t dir_len) {
    const char *file_env = getenv(X509_get_default_cert_file_env());
    if (file_env && *file_env) return 0;
    const char *dir_env = getenv(X509_get_default_cert_dir_env());
    /* $SSL_CERT_DIR may be a ':'-separated list; OpenSSL splits it */
    const char *found = dir_env && *dir_env ? dir_env
                      : chs_dir_has_hash_links(X509_get_default_cert_dir()) ? X509_get_default_cert_dir() : NULL;
    if (!found || strlen(found) >= dir_len) return 0;
    snprintf(dir, dir_len, "%s", found);
    return 1;
}


int chs_limit_malloc_arenas(int count) {
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
    if (getenv("MALLOC_ARENA_MAX")) return 0;
    return mallopt(M_ARENA_MAX, count) == 1;
#else
    (void)count;
    return 0;
#endif
}
