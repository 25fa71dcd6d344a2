#ifndef VIGIL_CCURL_SHIM_H
#define VIGIL_CCURL_SHIM_H

/*
 * Typed wrappers around libcurl's variadic entry points (Swift cannot call C variadics), plus the one OpenSSL helper
 * the driver needs to add an extra CA bundle to the certificate store libcurl has already populated.
 *
 * Everything here is `static inline`: there is no .c file and no state. Thread rules are libcurl's: an easy handle may
 * be configured on any thread while it is not attached to a multi handle; everything else happens on the curl-multi
 * thread, except curl_multi_wakeup.
 */

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <limits.h>

#if !defined(__has_feature) || !__has_feature(nullability)
#define _Nonnull
#define _Nullable
#endif

/* ---- curl_easy_setopt ---------------------------------------------------------------------------------------- */

static inline CURLcode ccurl_easy_setopt_long(CURL * _Nonnull handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_off_t(CURL * _Nonnull handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/* For string options libcurl copies the string (except CURLOPT_POSTFIELDS, which the driver never uses). */
static inline CURLcode ccurl_easy_setopt_string(CURL * _Nonnull handle, CURLoption option,
                                                const char * _Nullable value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_pointer(CURL * _Nonnull handle, CURLoption option, void * _Nullable value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_slist(CURL * _Nonnull handle, CURLoption option,
                                               struct curl_slist * _Nullable value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_write_function(CURL * _Nonnull handle, CURLoption option,
                                                        curl_write_callback _Nullable fn) {
    return curl_easy_setopt(handle, option, fn);
}

static inline CURLcode ccurl_easy_setopt_read_function(CURL * _Nonnull handle, curl_read_callback _Nullable fn) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, fn);
}

static inline CURLcode ccurl_easy_setopt_seek_function(CURL * _Nonnull handle, curl_seek_callback _Nullable fn) {
    return curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, fn);
}

static inline CURLcode ccurl_easy_setopt_debug_function(CURL * _Nonnull handle, curl_debug_callback _Nullable fn) {
    return curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, fn);
}

static inline CURLcode ccurl_easy_setopt_ssl_ctx_function(CURL * _Nonnull handle, curl_ssl_ctx_callback _Nullable fn) {
    return curl_easy_setopt(handle, CURLOPT_SSL_CTX_FUNCTION, fn);
}

/* ---- Probe destinations (CURLOPT_OPENSOCKETFUNCTION) ---------------------------------------------------------- */

#include <sys/socket.h>
#include <netinet/in.h>
#include <string.h>

static inline CURLcode ccurl_easy_setopt_opensocket_function(CURL * _Nonnull handle,
                                                             curl_opensocket_callback _Nullable fn) {
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, fn);
}

/*
 * Copies the IP address libcurl is about to connect to into `bytes` (room for 16) in network order. Returns 4 for
 * IPv4, 16 for IPv6, 0 for any other family (which the caller refuses). `address->addr` is followed by the rest of
 * a sockaddr_in6 in libcurl's storage, so it is read through the family's own struct here rather than in Swift.
 */
static inline int ccurl_sockaddr_ip(const struct curl_sockaddr * _Nonnull address, unsigned char * _Nonnull bytes) {
    if (address->family == AF_INET && address->addrlen >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)&address->addr;
        memcpy(bytes, &v4->sin_addr, 4);
        return 4;
    }
    if (address->family == AF_INET6 && address->addrlen >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&address->addr;
        memcpy(bytes, &v6->sin6_addr, 16);
        return 16;
    }
    return 0;
}

/* Opens the socket libcurl would have opened for `address` (close-on-exec, so no probe child inherits it). */
static inline curl_socket_t ccurl_open_socket(const struct curl_sockaddr * _Nonnull address) {
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

/* ---- curl_easy_getinfo --------------------------------------------------------------------------------------- */

static inline CURLcode ccurl_easy_getinfo_long(CURL * _Nonnull handle, CURLINFO info, long * _Nonnull value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode ccurl_easy_getinfo_off_t(CURL * _Nonnull handle, CURLINFO info, curl_off_t * _Nonnull value) {
    return curl_easy_getinfo(handle, info, value);
}

/* ---- curl_multi_setopt --------------------------------------------------------------------------------------- */

static inline CURLMcode ccurl_multi_setopt_long(CURLM * _Nonnull multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

/* ---- CURLMsg ------------------------------------------------------------------------------------------------- */

/* The CURLcode of a CURLMSG_DONE message (reads the `data` union without Swift having to). */
static inline CURLcode ccurl_msg_result(const CURLMsg * _Nonnull msg) {
    return msg->data.result;
}

/* ---- Thread naming ------------------------------------------------------------------------------------------ */

#if defined(__linux__)
#include <pthread.h>
/* glibc declares this only under _GNU_SOURCE, which the Swift Glibc module is not built with. */
extern int pthread_setname_np(pthread_t thread, const char *name);
#endif

/* Names the calling thread (visible in top -H, gdb, /proc/<pid>/task/<tid>/comm). At most 15 bytes are kept. */
static inline void ccurl_set_current_thread_name(const char * _Nonnull name) {
#if defined(__linux__)
    (void)pthread_setname_np(pthread_self(), name);
#elif defined(__APPLE__)
    (void)pthread_setname_np(name);
#endif
}

/* ---- OpenSSL: extra trust anchors ---------------------------------------------------------------------------- */

/*
 * Adds every certificate in the PEM buffer to the X509 store of `ssl_ctx` (an `SSL_CTX *` handed to a
 * CURLOPT_SSL_CTX_FUNCTION callback). The store already holds the system CA bundle loaded by libcurl, so this adds
 * trust anchors instead of replacing them. Certificates already present are accepted silently (OpenSSL >= 1.1.1).
 * Returns the number of certificates read from the buffer, or -1 on a store error. Clears the OpenSSL error queue of
 * the expected "no more PEM data" error.
 */
static inline int ccurl_ssl_ctx_add_pem_certificates(void * _Nonnull ssl_ctx, const void * _Nonnull pem, size_t length) {
    if (length > INT_MAX) return -1;
    X509_STORE *store = SSL_CTX_get_cert_store((SSL_CTX *)ssl_ctx);
    if (store == NULL) return -1;
    BIO *bio = BIO_new_mem_buf(pem, (int)length);
    if (bio == NULL) return -1;
    int added = 0;
    int failed = 0;
    X509 *cert;
    while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        if (X509_STORE_add_cert(store, cert) == 1) {
            added += 1;
        } else {
            failed = 1;
        }
        X509_free(cert);
    }
    BIO_free(bio);
    ERR_clear_error();
    return failed ? -1 : added;
}

/* Counts the certificates in a PEM buffer without touching any store (used to validate VIGIL_CA_FILE at startup). */
static inline int ccurl_count_pem_certificates(const void * _Nonnull pem, size_t length) {
    if (length > INT_MAX) return -1;
    BIO *bio = BIO_new_mem_buf(pem, (int)length);
    if (bio == NULL) return -1;
    int count = 0;
    X509 *cert;
    while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        count += 1;
        X509_free(cert);
    }
    BIO_free(bio);
    ERR_clear_error();
    return count;
}

/* Number of objects (certificates, CRLs) in the store of `ssl_ctx`; diagnostics only. */
static inline int ccurl_ssl_ctx_store_object_count(void * _Nonnull ssl_ctx) {
    X509_STORE *store = SSL_CTX_get_cert_store((SSL_CTX *)ssl_ctx);
    if (store == NULL) return -1;
    return sk_X509_OBJECT_num(X509_STORE_get0_objects(store));
}

#endif
