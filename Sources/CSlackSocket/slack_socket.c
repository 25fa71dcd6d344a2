/*
 * CSlackSocket: WebSocket client shim over libwebsockets 4.1.6.
 *
 * Threads: API functions run on any thread; everything that touches lws runs on
 * the single "lws-service" thread, except lws_cancel_service (the one lws call
 * that is safe from other threads). Cross-thread requests go into a
 * mutex-protected queue and the service thread is woken with lws_cancel_service;
 * it drains the WHOLE queue on every LWS_CALLBACK_EVENT_WAIT_CANCELLED, because
 * wake-ups and callbacks do not match one-to-one (there is one callback per vhost,
 * and wake-ups coalesce). Requests made on the service thread itself (from inside
 * the event callback) are applied directly.
 *
 * Locking: ctx->lock guards the request queue, the connection table membership,
 * each connection's `accepting` flag and the context flags. It is never held while
 * the event callback runs, and lws is never called with it held except
 * lws_cancel_service (which only writes to the wake-up pipe).
 *
 * Lifetime of a css_conn: created by css_connect (inserted in the table), bound to
 * a wsi on the service thread (opaque_user_data), removed from the table when its
 * final event (CLOSED/ERROR) is emitted, freed at LWS_CALLBACK_WSI_DESTROY (or
 * right away if lws never took it, or in the final sweep after lws_context_destroy).
 *
 * HTTP listener (optional): a third vhost, "css-http", with its own protocol table,
 * listening on the one configured address. Each request is answered entirely on the
 * service thread: LWS_CALLBACK_HTTP asks css_http_fn, writes the headers and parks
 * the body (a copy with LWS_PRE headroom) in the wsi's per-session data; the next
 * LWS_CALLBACK_HTTP_WRITEABLE writes it and frees it. A body that never gets written
 * (the client went away) is freed at HTTP_DROP_PROTOCOL / CLOSED_HTTP / WSI_DESTROY,
 * all of which see the per-session data before lws frees it.
 */
#define _GNU_SOURCE
#if defined(__linux__)
#endif
#include <errno.h>
#include "CSlackSocket.h"
#include "CHostSupport.h"
#include "slack_socket_rx.h"

#include <libwebsockets.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <arpa/inet.h>
#include <errno.h>
#ifdef __GLIBC__
#endif
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSS_DEFAULT_MAX_MESSAGE (16u * 1024u * 1024u)
#define CSS_DEFAULT_HANDSHAKE_SECS 20u
#define CSS_DEFAULT_CLOSE_MS 1000u
#define CSS_RX_BUFFER_SIZE 65536u   /* lws rx chunk size per CLIENT_RECEIVE */
#define CSS_FD_LIMIT 256u           /* lws fd table size (not tied to fd numbers) */
#define CSS_MAX_REASON 123u         /* RFC 6455: control payload 125 = 2 code + 123 */
#define CSS_SHUTDOWN_GRACE_MS 500u  /* beyond close_timeout_ms before we stop anyway */
#define CSS_HTTP_MAX_PATH 1024u     /* longer request paths get 414 without asking css_http_fn */
#define CSS_HTTP_MAX_BODY (64u * 1024u * 1024u)
#define CSS_HTTP_HEADER_POOL 32     /* lws' default of 4 header tables is shared with the clients */

/* ------------------------------------------------------------------------- */
/* Types                                                                      */

enum css_req_kind {
    REQ_CONNECT = 1,
    REQ_SEND_TEXT,
    REQ_SEND_PING,
    REQ_CLOSE,
    REQ_ABORT,
};

/* A queued request. REQ_SEND_* nodes move as-is into the connection's TX FIFO
 * (payload at buf + LWS_PRE, headroom for lws' frame header). */
typedef struct css_req {
    struct css_req *next;
    uint64_t id;
    int kind;
    int code;             /* REQ_CLOSE */
    size_t len;           /* payload (SEND/PING) or reason (CLOSE) length */
    uint8_t buf[];        /* SEND/PING: LWS_PRE + len; CLOSE: reason */
} css_req;

enum css_phase {
    PHASE_QUEUED = 0,     /* css_connect returned, service thread has not started it */
    PHASE_CONNECTING,     /* wsi exists, handshake in progress */
    PHASE_OPEN,           /* established */
    PHASE_DONE,           /* final event emitted */
};

typedef struct css_conn {
    uint64_t id;
    struct css_context *ctx;

    /* guarded by ctx->lock */
    int accepting;        /* sends / close accepted for this id */
    int abort_requested;

    /* service thread only */
    struct lws *wsi;
    int phase;
    int finalized;
    int in_connect_call;
    int lws_released;     /* WSI_DESTROY seen or lws never took it */
    int via_proxy;
    int use_ssl;
    int port;
    char *url_copy;       /* lws_parse_uri cut-up copy: address points in here */
    const char *address;
    char *path;           /* "/" + path + query */
    char *host_header;

    css_req *tx_head, *tx_tail;

    int close_requested;
    int close_sent;
    int close_code;
    size_t close_reason_len;
    char close_reason[CSS_MAX_REASON + 1];
    int cancelled;        /* close/abort/shutdown before OPEN */
    int timed_out;        /* our handshake timer fired before OPEN */
    int aborted;

    int peer_closed;
    int peer_code;
    size_t peer_reason_len;
    char peer_reason[CSS_MAX_REASON + 3];

    css_rx rx;            /* the inbound message being reassembled */

    lws_sorted_usec_list_t close_sul;
    lws_sorted_usec_list_t handshake_sul;
} css_conn;

/* The answer being built inside css_http_fn (on the service thread's stack). */
struct css_http_response {
    int status;
    int answered;
    char content_type[128];
    uint8_t *buf;         /* LWS_PRE + len bytes, body at buf + LWS_PRE; NULL when len is 0 */
    size_t len;
};

/* Per-session data of an HTTP connection (lws allocates and frees it; service thread only). */
typedef struct css_http_session {
    uint8_t *buf;         /* the body waiting for HTTP_WRITEABLE (LWS_PRE headroom), or NULL */
    size_t len;
    int pending;          /* headers written, body not yet */
    int close_after;      /* not a plain GET: close instead of keeping the connection */
} css_http_session;

struct css_context {
    pthread_mutex_t lock;
    /* guarded by lock */
    css_req *q_head, *q_tail;
    int wake_pending;
    int shutting_down;    /* API rejects new work */
    int lws_gone;         /* lws_context destroyed or being destroyed: no cancel_service */
    uint64_t next_id;
    css_conn **conns;     /* table of connections not yet finalized */
    size_t conn_count, conn_cap;

    /* immutable after create */
    css_event_fn fn;
    void *user;
    size_t max_message;
    unsigned int close_timeout_ms;
    unsigned int handshake_timeout_secs;
    char *extra_ca_file;
    struct lws_context *lws;
    struct lws_vhost *vh_direct;
    struct lws_vhost *vh_proxy;
    struct lws_vhost *vh_http;
    css_http_fn http_fn;
    void *http_user;
    char *http_address;
    int http_port;        /* bound port, 0 without a listener */
    pthread_t thread;
    int thread_started;

    /* service thread only (and the creating thread before the service thread starts) */
    int stop_loop;
    int destroying;       /* inside lws_context_destroy: no more lws calls */
    int shutdown_started;
    void *ca_loaded_for;  /* SSL_CTX the system store and the extra CA file were loaded into */
    int ca_load_failed;
    char ca_error[400];
    lws_sorted_usec_list_t shutdown_sul;
};

static const uint8_t css_empty[1] = {0};

/* Serialises context creation; see css_context_create. */
static pthread_mutex_t css_create_lock = PTHREAD_MUTEX_INITIALIZER;
static int css_ssl_global_init_done; /* guarded by css_create_lock */

/* ------------------------------------------------------------------------- */
/* Logging                                                                    */

static _Atomic(css_log_fn) css_log_sink = NULL;

static void css_lws_emit(int level, const char *line) {
    css_log_fn fn = atomic_load_explicit(&css_log_sink, memory_order_acquire);
    if (!fn) return;
    css_log_level lvl;
    if (level & LLL_ERR) lvl = CSS_LOG_ERROR;
    else if (level & LLL_WARN) lvl = CSS_LOG_WARNING;
    else if (level & LLL_NOTICE) lvl = CSS_LOG_NOTICE;
    else lvl = CSS_LOG_INFO;
    char buf[512];
    size_t n = strnlen(line, sizeof(buf) - 1);
    memcpy(buf, line, n);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
    buf[n] = '\0';
    fn(lvl, buf);
}

void css_set_log_sink(css_log_fn fn, int verbose) {
    atomic_store_explicit(&css_log_sink, fn, memory_order_release);
    if (fn) {
        int mask = LLL_ERR | LLL_WARN;
        if (verbose) mask |= LLL_NOTICE | LLL_INFO;
        lws_set_log_level(mask, css_lws_emit);
    } else {
        lws_set_log_level(LLL_ERR | LLL_WARN, lwsl_emit_stderr);
    }
}

static void css_log(css_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void css_log(css_log_level lvl, const char *fmt, ...) {
    css_log_fn fn = atomic_load_explicit(&css_log_sink, memory_order_acquire);
    if (!fn) return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    fn(lvl, buf);
}

/* ------------------------------------------------------------------------- */
/* Helpers                                                                    */

static void css_errf(char *errbuf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void css_errf(char *errbuf, size_t len, const char *fmt, ...) {
    if (!errbuf || !len) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, len, fmt, ap);
    va_end(ap);
}

/* The context whose service thread is the current thread (NULL elsewhere). Set by the
 * service thread itself, so no synchronisation with css_context_create is needed. */
static __thread css_context *css_current_service = NULL;

static int css_on_service_thread(css_context *ctx) {
    return css_current_service == ctx;
}

/* lock held */
static css_conn *css_table_find(css_context *ctx, uint64_t id) {
    for (size_t i = 0; i < ctx->conn_count; i++)
        if (ctx->conns[i]->id == id) return ctx->conns[i];
    return NULL;
}

/* lock held */
static int css_table_insert(css_context *ctx, css_conn *c) {
    if (ctx->conn_count == ctx->conn_cap) {
        size_t cap = ctx->conn_cap ? ctx->conn_cap * 2 : 8;
        css_conn **n = realloc(ctx->conns, cap * sizeof(*n));
        if (!n) return -1;
        ctx->conns = n;
        ctx->conn_cap = cap;
    }
    ctx->conns[ctx->conn_count++] = c;
    return 0;
}

/* lock held */
static void css_table_remove(css_context *ctx, css_conn *c) {
    for (size_t i = 0; i < ctx->conn_count; i++) {
        if (ctx->conns[i] == c) {
            ctx->conns[i] = ctx->conns[--ctx->conn_count];
            return;
        }
    }
}

/* Service thread: leave the service loop after the current lws_service pass. The
 * cancel makes sure that pass does not sit in poll() until the next timer when the
 * request comes from a timer callback (timers run before the poll). */
static void css_request_stop(css_context *ctx) {
    ctx->stop_loop = 1;
    if (!ctx->destroying) lws_cancel_service(ctx->lws);
}

static void css_emit(css_context *ctx, const css_event *ev) {
    ctx->fn(ctx->user, ev);
}

static void css_conn_free(css_conn *c) {
    lws_sul_cancel(&c->close_sul);
    lws_sul_cancel(&c->handshake_sul);
    css_req *f = c->tx_head;
    while (f) {
        css_req *n = f->next;
        free(f);
        f = n;
    }
    css_rx_free(&c->rx);
    free(c->url_copy);
    free(c->path);
    free(c->host_header);
    free(c);
}

/* Service thread. Emits the connection's final event once and removes it from the table. */
static void css_finalize(css_conn *c, css_event_kind kind, int close_code, const char *text,
                         size_t text_len, css_error err, int http_status) {
    css_context *ctx = c->ctx;
    if (c->finalized) return;
    c->finalized = 1;
    c->phase = PHASE_DONE;

    pthread_mutex_lock(&ctx->lock);
    css_table_remove(ctx, c);
    int none_left = ctx->conn_count == 0;
    pthread_mutex_unlock(&ctx->lock);

    css_event ev = {0};
    ev.kind = kind;
    ev.connection_id = c->id;
    ev.data = text ? (const uint8_t *)text : css_empty;
    ev.length = text ? text_len : 0;
    ev.close_code = close_code;
    ev.error = err;
    ev.http_status = http_status;
    css_emit(ctx, &ev);

    if (ctx->shutdown_started && none_left) css_request_stop(ctx);
}

static void css_finalize_closed(css_conn *c) {
    if (c->peer_closed)
        css_finalize(c, CSS_EVENT_CLOSED, c->peer_code, c->peer_reason, c->peer_reason_len, CSS_OK, 0);
    else if (c->aborted)
        css_finalize(c, CSS_EVENT_CLOSED, 1006, "connection aborted", 18, CSS_OK, 0);
    else if (c->close_sent)
        css_finalize(c, CSS_EVENT_CLOSED, c->close_code, c->close_reason, c->close_reason_len, CSS_OK, 0);
    else
        css_finalize(c, CSS_EVENT_CLOSED, 1006, "connection lost", 15, CSS_OK, 0);
}

static css_error css_classify(css_conn *c, const char *msg, int http_status) {
    if (c->timed_out) return CSS_ERR_TIMED_OUT;
    if (c->cancelled || c->aborted) return CSS_ERR_CANCELLED;
    if (http_status && http_status != 101) return CSS_ERR_HANDSHAKE_REJECTED;
    if (!msg) return CSS_ERR_CONNECT_FAILED;
    /* lws' own timeouts only fire as a backstop (our handshake timer comes first) */
    if (strstr(msg, "Timed out") || strstr(msg, "timeout")) return CSS_ERR_TIMED_OUT;
    if (strstr(msg, "SSL") || strstr(msg, "ssl") || strstr(msg, "tls") || strstr(msg, "cert"))
        return CSS_ERR_TLS_FAILED;
    if (!strncmp(msg, "HS:", 3)) return CSS_ERR_PROTOCOL_ERROR;
    return CSS_ERR_CONNECT_FAILED;
}

static void css_finalize_error(css_conn *c, const char *msg, int http_status) {
    char buf[200];
    css_error err = css_classify(c, msg, http_status);
    if (err != CSS_ERR_HANDSHAKE_REJECTED) http_status = 0;
    if (c->timed_out) msg = "no WebSocket handshake within the timeout";
    else if (err == CSS_ERR_CANCELLED) msg = "closed, aborted or shut down before the handshake completed";
    snprintf(buf, sizeof(buf), "%s", msg && *msg ? msg : "connection failed");
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = '\0';
    css_finalize(c, CSS_EVENT_ERROR, 0, buf, n, err, http_status);
}

/*
 * Dropping a connection. Only ever called from the drain (EVENT_WAIT_CANCELLED, which
 * belongs to the pipe wsi) or from a timer, never from inside the callback of the
 * wsi being dropped; close/abort requests made on the service thread are therefore
 * queued, not applied directly.
 *
 * css_kill_now closes synchronously: needed while connecting, because lws re-arms the
 * wsi timeout as the connection progresses (connect done -> handshake sent), which
 * would silently replace an asynchronous kill. The callbacks (CONNECTION_ERROR/CLOSED,
 * WSI_DESTROY) run inside it, so `c` may be freed when it returns.
 *
 * css_kill_soon is for established connections: lws marks the socket unusable and
 * drops it on the next service pass without flushing buffered output, and nothing
 * re-arms the timeout of an established ws.
 */
static void css_kill_now(css_conn *c) {
    if (c->wsi && !c->lws_released)
        lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
}

static void css_kill_soon(css_conn *c) {
    if (c->wsi && !c->lws_released)
        lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

static void css_close_timeout_cb(lws_sorted_usec_list_t *sul) {
    css_conn *c = lws_container_of(sul, css_conn, close_sul);
    if (c->wsi && !c->lws_released) {
        css_log(CSS_LOG_INFO, "css: connection %llu: peer kept the socket open after our close frame, dropping it",
                (unsigned long long)c->id);
        css_kill_now(c); /* lws is in WAITING_TO_SEND_CLOSE / AWAITING_CLOSE_ACK: no flushing */
    }
}

static void css_handshake_timeout_cb(lws_sorted_usec_list_t *sul) {
    css_conn *c = lws_container_of(sul, css_conn, handshake_sul);
    if (c->phase == PHASE_CONNECTING && !c->finalized) {
        c->timed_out = 1;
        css_kill_now(c);
    }
}

static void css_shutdown_deadline_cb(lws_sorted_usec_list_t *sul) {
    css_context *ctx = lws_container_of(sul, css_context, shutdown_sul);
    css_request_stop(ctx);
}

/* ------------------------------------------------------------------------- */
/* Service-thread request handling                                            */

static void css_do_connect(css_context *ctx, css_conn *c) {
    if (c->cancelled) {
        c->lws_released = 1;
        css_finalize_error(c, "cancelled before connecting", 0);
        css_conn_free(c);
        return;
    }
    struct lws_client_connect_info i;
    memset(&i, 0, sizeof(i));
    i.context = ctx->lws;
    i.vhost = c->via_proxy ? ctx->vh_proxy : ctx->vh_direct;
    i.address = c->address;
    i.port = c->port;
    i.path = c->path;
    i.host = c->host_header;
    i.origin = NULL;
    i.protocol = NULL;   /* no Sec-WebSocket-Protocol; binds to protocols[0] */
    i.ssl_connection = (c->use_ssl ? LCCSCF_USE_SSL : 0) | LCCSCF_HTTP_NO_FOLLOW_REDIRECT;
    i.alpn = "http/1.1"; /* lws offers h2 by default; ws-over-h2 is unsupported in 4.1 */
    i.opaque_user_data = c;
    i.pwsi = &c->wsi;

    c->phase = PHASE_CONNECTING;
    /* Our own handshake deadline (lws' internal ones are set later as a backstop)
     * so that a timeout is reported as CSS_ERR_TIMED_OUT, which lws does not tell us. */
    lws_sul_schedule(ctx->lws, 0, &c->handshake_sul, css_handshake_timeout_cb,
                     (lws_usec_t)ctx->handshake_timeout_secs * LWS_US_PER_SEC);
    c->in_connect_call = 1;
    struct lws *w = lws_client_connect_via_info(&i);
    c->in_connect_call = 0;
    if (!w) {
        /* lws suppresses CONNECTION_ERROR for synchronous failures */
        c->wsi = NULL;
        c->lws_released = 1;
        css_finalize_error(c, "could not start the connection (DNS or socket failure)", 0);
        css_conn_free(c);
        return;
    }
    if (c->lws_released) { /* destroyed during the call yet returned non-NULL: be safe */
        if (!c->finalized) css_finalize_error(c, NULL, 0);
        css_conn_free(c);
    }
}

static void css_request_writable(css_conn *c) {
    if (c->phase == PHASE_OPEN && c->wsi && !c->lws_released)
        lws_callback_on_writable(c->wsi);
}

/* Applies one request to its connection. Takes ownership of r. */
static void css_apply(css_context *ctx, css_conn *c, css_req *r) {
    switch (r->kind) {
    case REQ_CONNECT:
        free(r);
        css_do_connect(ctx, c);
        return;
    case REQ_SEND_TEXT:
    case REQ_SEND_PING:
        if (c->finalized || c->close_sent || c->aborted || c->cancelled) {
            free(r);
            return;
        }
        r->next = NULL;
        if (c->tx_tail) c->tx_tail->next = r;
        else c->tx_head = r;
        c->tx_tail = r;
        css_request_writable(c);
        return;
    case REQ_CLOSE: /* only from the drain: may drop `c` */
        if (!c->finalized && !c->close_requested) {
            c->close_requested = 1;
            c->close_code = r->code;
            c->close_reason_len = r->len;
            memcpy(c->close_reason, r->buf, r->len);
            c->close_reason[r->len] = '\0';
            free(r);
            if (c->phase == PHASE_OPEN) {
                css_request_writable(c);
            } else if (c->phase == PHASE_CONNECTING) {
                c->cancelled = 1;
                css_kill_now(c);
            } else if (c->phase == PHASE_QUEUED) {
                c->cancelled = 1; /* css_do_connect will not start it */
            }
            return;
        }
        free(r);
        return;
    case REQ_ABORT: /* only from the drain: may drop `c` */
        free(r);
        if (c->finalized) return;
        if (c->phase == PHASE_OPEN) {
            c->aborted = 1;
            css_kill_soon(c);
        } else {
            c->cancelled = 1;
            css_kill_now(c);
        }
        return;
    default:
        free(r);
        return;
    }
}

static void css_begin_shutdown(css_context *ctx) {
    if (ctx->shutdown_started) return;
    ctx->shutdown_started = 1;

    pthread_mutex_lock(&ctx->lock);
    size_t n = ctx->conn_count;
    css_conn **snapshot = n ? malloc(n * sizeof(*snapshot)) : NULL;
    if (snapshot) memcpy(snapshot, ctx->conns, n * sizeof(*snapshot));
    for (size_t k = 0; k < ctx->conn_count; k++) ctx->conns[k]->accepting = 0;
    pthread_mutex_unlock(&ctx->lock);

    if (n == 0 || !snapshot) { /* (OOM: let lws_context_destroy close them) */
        css_request_stop(ctx);
        return;
    }
    for (size_t k = 0; k < n; k++) {
        css_conn *c = snapshot[k];
        if (c->finalized) continue;
        if (c->phase == PHASE_OPEN) {
            if (!c->close_requested) {
                c->close_requested = 1;
                c->close_code = LWS_CLOSE_STATUS_GOINGAWAY;
                c->close_reason_len = 13;
                memcpy(c->close_reason, "shutting down", 14);
            }
            css_request_writable(c);
        } else if (c->phase == PHASE_CONNECTING) {
            c->cancelled = 1;
            css_kill_now(c); /* may free c; the snapshot's other entries stay valid */
        }
    }
    free(snapshot);
    lws_sul_schedule(ctx->lws, 0, &ctx->shutdown_sul, css_shutdown_deadline_cb,
                     (lws_usec_t)(ctx->close_timeout_ms + CSS_SHUTDOWN_GRACE_MS) * LWS_US_PER_MS);
}

static void css_drain(css_context *ctx) {
    pthread_mutex_lock(&ctx->lock);
    css_req *r = ctx->q_head;
    ctx->q_head = ctx->q_tail = NULL;
    ctx->wake_pending = 0;
    int shutdown_requested = ctx->shutting_down;
    pthread_mutex_unlock(&ctx->lock);

    /* Everything queued before css_context_shutdown is in this batch: the flag and
     * the queue were read under the same lock, and no connect/send is queued after it. */
    while (r) {
        css_req *next = r->next;
        r->next = NULL;
        pthread_mutex_lock(&ctx->lock);
        css_conn *c = css_table_find(ctx, r->id);
        pthread_mutex_unlock(&ctx->lock);
        if (c) css_apply(ctx, c, r);
        else free(r);
        r = next;
    }
    if (shutdown_requested) css_begin_shutdown(ctx);
}

/* ------------------------------------------------------------------------- */
/* Inbound                                                                    */

/* Chunks of a message are put together by css_rx_feed (slack_socket_rx.c). */
static void css_on_receive(css_conn *c, struct lws *wsi, const uint8_t *in, size_t len) {
    css_event ev = {0};
    ev.connection_id = c->id;
    int binary = c->rx.active ? c->rx.binary : lws_frame_is_binary(wsi);
    if (!css_rx_feed(&c->rx, c->ctx->max_message, binary, lws_is_final_fragment(wsi), in, len, &ev)) return;
    css_emit(c->ctx, &ev);
    css_rx_reset(&c->rx);
}

/* ------------------------------------------------------------------------- */
/* System trust store (the directory comes from CHostSupport: chs_system_trust_directory) */

/* Trusts the system's CA store in `ssl`, as SSL_CTX_set_default_verify_paths would, but
 * through the hashed certificate directory when there is one (chs_system_trust_directory;
 * /usr/lib/ssl/certs -> /etc/ssl/certs on Debian, kept by update-ca-certificates next to
 * the bundle). Loading the bundle file parses all ~140 roots at start: about 1 MiB of heap
 * and libcrypto pages held for the life of the process, for the one root a server's chain
 * needs. Returns 0, or -1 with the OpenSSL error queued. */
static int css_load_system_trust(SSL_CTX *ssl) {
    char dir[1024];
    if (chs_system_trust_directory(dir, sizeof(dir)))
        return SSL_CTX_load_verify_locations(ssl, NULL, dir) == 1 ? 0 : -1;
    return SSL_CTX_set_default_verify_paths(ssl) == 1 ? 0 : -1;
}

/* ------------------------------------------------------------------------- */
/* lws protocol callback (service thread; also the creating thread for      */
/* LOAD_EXTRA_CLIENT_VERIFY_CERTS)                                            */

static int css_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    switch (reason) {
    case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_CLIENT_VERIFY_CERTS: {
        /* `user` is the vhost's client SSL_CTX. lws was told not to load the OS store
         * (LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS): css_load_system_trust does it lazily.
         * Then the extra bundle, if any. Vhosts may share one SSL_CTX: load it once. */
        css_context *ctx = lws_context_user(lws_get_context(wsi));
        if (!ctx || !user || ctx->ca_loaded_for == user) return 0;
        ERR_clear_error();
        const char *failed = NULL;
        if (css_load_system_trust((SSL_CTX *)user) != 0)
            failed = "the system trust store";
        else if (ctx->extra_ca_file && SSL_CTX_load_verify_locations((SSL_CTX *)user, ctx->extra_ca_file, NULL) != 1)
            failed = ctx->extra_ca_file;
        if (failed) {
            unsigned long e = ERR_get_error();
            char ebuf[120];
            ERR_error_string_n(e, ebuf, sizeof(ebuf));
            snprintf(ctx->ca_error, sizeof(ctx->ca_error), "%s: %s", failed, ebuf);
            ctx->ca_load_failed = 1;
            ERR_clear_error();
        } else {
            ctx->ca_loaded_for = user;
        }
        return 0;
    }

    case LWS_CALLBACK_EVENT_WAIT_CANCELLED: {
        css_context *ctx = lws_context_user(lws_get_context(wsi));
        if (ctx) css_drain(ctx);
        return 0;
    }

    case LWS_CALLBACK_CLIENT_ESTABLISHED: {
        css_conn *c = lws_get_opaque_user_data(wsi);
        if (!c || c->finalized) return 0;
        c->wsi = wsi;
        c->phase = PHASE_OPEN;
        lws_sul_cancel(&c->handshake_sul);
        css_event ev = {0};
        ev.kind = CSS_EVENT_OPEN;
        ev.connection_id = c->id;
        ev.data = css_empty;
        css_emit(c->ctx, &ev);
        if (!c->finalized && (c->tx_head || c->close_requested)) lws_callback_on_writable(wsi);
        return 0;
    }

    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
        css_conn *c = lws_get_opaque_user_data(wsi);
        if (!c) return 0;
        int status = (int)lws_http_client_http_response(wsi);
        char msg[160];
        msg[0] = '\0';
        if (in && len) {
            size_t n = len < sizeof(msg) - 1 ? len : sizeof(msg) - 1;
            memcpy(msg, in, n);
            msg[n] = '\0';
        } else if (in) {
            snprintf(msg, sizeof(msg), "%s", (const char *)in);
        }
        css_finalize_error(c, msg[0] ? msg : NULL, status);
        return 0;
    }

    case LWS_CALLBACK_CLIENT_RECEIVE: {
        css_conn *c = lws_get_opaque_user_data(wsi);
        if (!c || c->finalized) return 0;
        css_on_receive(c, wsi, (const uint8_t *)in, len);
        return 0;
    }

    case LWS_CALLBACK_CLIENT_RECEIVE_PONG: {
        css_conn *c = lws_get_opaque_user_data(wsi);
        if (!c || c->finalized) return 0;
        css_event ev = {0};
        ev.kind = CSS_EVENT_PONG;
        ev.connection_id = c->id;
        ev.data = len ? (const uint8_t *)in : css_empty;
        ev.length = len;
        css_emit(c->ctx, &ev);
        return 0;
    }

    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE: {
        css_conn *c = lws_get_opaque_user_data(wsi);
        if (!c) return 0;
        const uint8_t *p = in;
        c->peer_closed = 1;
        if (p && len >= 2) {
            c->peer_code = (p[0] << 8) | p[1];
            size_t n = len - 2;
            if (n > sizeof(c->peer_reason) - 1) n = sizeof(c->peer_reason) - 1;
            memcpy(c->peer_reason, p + 2, n);
            c->peer_reason[n] = '\0';
            c->peer_reason_len = n;
        } else {
            c->peer_code = 1005; /* no status received */
            c->peer_reason_len = 0;
        }
        return 0; /* lws echoes the close frame and closes */
    }

    case LWS_CALLBACK_CLIENT_WRITEABLE: {
        css_conn *c = lws_get_opaque_user_data(wsi);
        if (!c || c->finalized || c->close_sent) return 0;
        css_req *f = c->tx_head;
        if (f) {
            c->tx_head = f->next;
            if (!c->tx_head) c->tx_tail = NULL;
            int n = lws_write(wsi, f->buf + LWS_PRE, f->len,
                              f->kind == REQ_SEND_PING ? LWS_WRITE_PING : LWS_WRITE_TEXT);
            free(f);
            if (n < 0) return -1; /* fatal: lws closes, CLIENT_CLOSED follows */
            if (c->tx_head || c->close_requested) lws_callback_on_writable(wsi);
            return 0;
        }
        if (c->close_requested) {
            c->close_sent = 1;
            lws_close_reason(wsi, (enum lws_close_status)c->close_code,
                             (unsigned char *)c->close_reason, c->close_reason_len);
            /* lws waits 5 s for the peer's close; Slack may never send it */
            lws_sul_schedule(c->ctx->lws, 0, &c->close_sul, css_close_timeout_cb,
                             (lws_usec_t)c->ctx->close_timeout_ms * LWS_US_PER_MS);
            return -1;
        }
        return 0;
    }

    case LWS_CALLBACK_CLIENT_CLOSED: {
        css_conn *c = lws_get_opaque_user_data(wsi);
        if (!c) return 0;
        lws_sul_cancel(&c->close_sul);
        if (c->phase == PHASE_OPEN) css_finalize_closed(c);
        else css_finalize_error(c, "closed before the handshake completed", 0);
        return 0;
    }

    case LWS_CALLBACK_WSI_DESTROY: {
        css_conn *c = lws_get_opaque_user_data(wsi);
        if (!c) return 0;
        lws_set_opaque_user_data(wsi, NULL);
        lws_sul_cancel(&c->close_sul);
        c->lws_released = 1;
        c->wsi = NULL;
        if (c->in_connect_call) return 0; /* css_do_connect finishes it */
        if (!c->finalized) {
            if (c->phase == PHASE_OPEN) css_finalize_closed(c);
            else css_finalize_error(c, NULL, 0);
        }
        css_conn_free(c);
        return 0;
    }

    default:
        return 0;
    }
}

/* The protocol table: 4.1.6 has no LWS_PROTOCOL_LIST_TERM. */
static const struct lws_protocols css_protocols[] = {
    {"css-client", css_callback, 0, CSS_RX_BUFFER_SIZE, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* ------------------------------------------------------------------------- */
/* HTTP listener (service thread)                                             */

int css_http_respond(css_http_response *r, int status, const char *content_type, const uint8_t *body,
                     size_t length) {
    if (!r || !content_type || (!body && length) || status < 200 || status > 599 || length > CSS_HTTP_MAX_BODY)
        return CSS_ERR_INVALID_ARGUMENT;
    size_t type_len = strlen(content_type);
    if (type_len == 0 || type_len >= sizeof(r->content_type)) return CSS_ERR_INVALID_ARGUMENT;
    for (size_t k = 0; k < type_len; k++) /* no CR/LF: nothing can be smuggled into the headers */
        if ((unsigned char)content_type[k] < 0x20 || (unsigned char)content_type[k] > 0x7e)
            return CSS_ERR_INVALID_ARGUMENT;
    uint8_t *buf = NULL;
    if (length) {
        buf = malloc(LWS_PRE + length);
        if (!buf) {
            free(r->buf);
            r->buf = NULL;
            r->len = 0;
            r->status = 500;
            snprintf(r->content_type, sizeof(r->content_type), "text/plain; charset=utf-8");
            r->answered = 1;
            return CSS_ERR_NO_MEMORY;
        }
        memcpy(buf + LWS_PRE, body, length);
    }
    free(r->buf);
    r->buf = buf;
    r->len = length;
    r->status = status;
    memcpy(r->content_type, content_type, type_len + 1);
    r->answered = 1;
    return CSS_OK;
}

static void css_http_text(css_http_response *r, int status, const char *text) {
    css_http_respond(r, status, "text/plain; charset=utf-8", (const uint8_t *)text, strlen(text));
}

static void css_http_session_release(css_http_session *s) {
    if (!s) return;
    free(s->buf);
    s->buf = NULL;
    s->len = 0;
    s->pending = 0;
}

static int css_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    css_http_session *s = user;
    switch (reason) {
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        return -1; /* no WebSocket or h2c here: hang up */

    case LWS_CALLBACK_HTTP: {
        css_context *ctx = lws_context_user(lws_get_context(wsi));
        if (!ctx || !s || !ctx->http_fn) return -1;
        css_http_session_release(s); /* a previous transaction's body is never left, but be sure */

        int is_get = lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0;
        int has_body = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 ||
                       lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0;
        css_http_response r;
        memset(&r, 0, sizeof(r));
        if (!is_get) {
            css_http_text(&r, 405, "method not allowed: only GET\n");
        } else if (!in || len == 0 || len >= CSS_HTTP_MAX_PATH) {
            css_http_text(&r, 414, "request path too long\n");
        } else {
            char path[CSS_HTTP_MAX_PATH];
            memcpy(path, in, len);
            path[len] = '\0';
            ctx->http_fn(ctx->http_user, path, &r);
            if (!r.answered) css_http_text(&r, 500, "no answer\n");
        }
        if (!r.answered) { /* only when even the fixed text could not be allocated */
            r.status = 500;
            snprintf(r.content_type, sizeof(r.content_type), "text/plain; charset=utf-8");
        }
        s->close_after = !is_get || has_body; /* a request body may still be unread */

        unsigned char headers[LWS_PRE + 512];
        unsigned char *start = headers + LWS_PRE, *p = start, *end = headers + sizeof(headers) - 1;
        if (lws_add_http_common_headers(wsi, (unsigned int)r.status, r.content_type, (lws_filepos_t)r.len, &p, end) ||
            lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL, (const unsigned char *)"no-store", 8,
                                         &p, end) ||
            (r.status == 405 &&
             lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_ALLOW, (const unsigned char *)"GET", 3, &p, end)) ||
            (s->close_after &&
             lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (const unsigned char *)"close", 5, &p, end)) ||
            lws_finalize_write_http_header(wsi, start, &p, end)) {
            free(r.buf);
            return -1;
        }
        s->buf = r.buf; /* the session owns it now */
        s->len = r.len;
        s->pending = 1;
        lws_callback_on_writable(wsi);
        return 0;
    }

    case LWS_CALLBACK_HTTP_WRITEABLE: {
        if (!s || !s->pending) return 0;
        uint8_t *buf = s->buf;
        size_t n = s->len;
        int close_after = s->close_after;
        s->buf = NULL;
        s->len = 0;
        s->pending = 0;
        int written = n ? lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_HTTP_FINAL) : 0;
        free(buf);
        /* lws keeps what the socket did not take and flushes it, also before a close */
        if (written < 0 || (size_t)written < n) return -1;
        if (close_after) return -1;
        /* may free the per-session data: `s` is not touched after this */
        if (lws_http_transaction_completed(wsi)) return -1;
        return 0;
    }

    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_WSI_DESTROY:
        css_http_session_release(s);
        return 0;

    default: /* also EVENT_WAIT_CANCELLED: the client protocol drains the queue */
        return 0;
    }
}

static const struct lws_protocols css_http_protocols[] = {
    {"css-http", css_http_callback, sizeof(css_http_session), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* ------------------------------------------------------------------------- */
/* Service thread                                                             */

static void css_destroy_lws(css_context *ctx) {
    lws_context_destroy(ctx->lws); /* also frees the vhosts' client SSL_CTX (lws_ssl_SSL_CTX_destroy) */
    ctx->lws = NULL;
}

static void *css_service_main(void *arg) {
    css_context *ctx = arg;
    css_current_service = ctx;
#if defined(__APPLE__)
    pthread_setname_np("lws-service");
#else
    pthread_setname_np(pthread_self(), "lws-service");
#endif
    /* Asynchronous signals (SIGTERM, SIGHUP, ...) belong to the Swift side; keep the
     * synchronous ones deliverable so crashes here are still reported. */
    sigset_t set;
    sigfillset(&set);
    sigdelset(&set, SIGSEGV);
    sigdelset(&set, SIGBUS);
    sigdelset(&set, SIGFPE);
    sigdelset(&set, SIGILL);
    sigdelset(&set, SIGTRAP);
    sigdelset(&set, SIGABRT);
    sigdelset(&set, SIGSYS);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    while (!ctx->stop_loop) {
        if (lws_service(ctx->lws, 0) < 0) {
            css_log(CSS_LOG_ERROR, "css: lws_service failed; stopping the WebSocket service thread");
            break;
        }
    }
    lws_sul_cancel(&ctx->shutdown_sul);
    ctx->destroying = 1;

    pthread_mutex_lock(&ctx->lock);
    ctx->shutting_down = 1;
    ctx->lws_gone = 1;
    for (size_t k = 0; k < ctx->conn_count; k++) ctx->conns[k]->accepting = 0;
    css_req *leftover = ctx->q_head;
    ctx->q_head = ctx->q_tail = NULL;
    pthread_mutex_unlock(&ctx->lock);
    while (leftover) {
        css_req *n = leftover->next;
        free(leftover);
        leftover = n;
    }

    /* Connections still open: mark them so their CLOSED says why. lws closes them
     * inside lws_context_destroy and calls CLIENT_CLOSED / WSI_DESTROY here. */
    pthread_mutex_lock(&ctx->lock);
    for (size_t k = 0; k < ctx->conn_count; k++) {
        css_conn *c = ctx->conns[k];
        if (c->phase != PHASE_OPEN) c->cancelled = 1;
    }
    pthread_mutex_unlock(&ctx->lock);

    css_destroy_lws(ctx);

    /* Sweep what lws did not report (e.g. connects never started). */
    for (;;) {
        pthread_mutex_lock(&ctx->lock);
        css_conn *c = ctx->conn_count ? ctx->conns[ctx->conn_count - 1] : NULL;
        pthread_mutex_unlock(&ctx->lock);
        if (!c) break;
        if (c->phase == PHASE_OPEN) {
            css_finalize(c, CSS_EVENT_CLOSED, 1006, "service stopped", 15, CSS_OK, 0);
        } else {
            c->cancelled = 1;
            css_finalize_error(c, "service stopped before the connection opened", 0);
        }
        if (!c->wsi || c->lws_released) css_conn_free(c);
        /* else: lws still owned it and never destroyed it; leak rather than double free */
    }

    css_event ev = {0};
    ev.kind = CSS_EVENT_TERMINATED;
    ev.data = css_empty;
    css_emit(ctx, &ev);
    return NULL;
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                 */

static struct lws_vhost *css_make_vhost(css_context *ctx, const css_config *cfg, int proxied,
                                        char *errbuf, size_t errlen) {
    struct lws_context_creation_info vi;
    memset(&vi, 0, sizeof(vi));
    vi.port = CONTEXT_PORT_NO_LISTEN;
    vi.protocols = css_protocols;
    /* the system trust store is loaded by css_load_system_trust (LOAD_EXTRA_CLIENT_VERIFY_CERTS) */
    vi.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
    vi.vhost_name = proxied ? "css-proxy" : "css-direct";
    vi.connect_timeout_secs = ctx->handshake_timeout_secs + 5; /* backstop behind our timer */
    char proxy_spec[600];
    if (proxied) {
        /* lws_set_proxy parses "user:pass@host"; the port comes separately */
        if (cfg->proxy_credentials && *cfg->proxy_credentials)
            snprintf(proxy_spec, sizeof(proxy_spec), "%s@%s", cfg->proxy_credentials, cfg->proxy_host);
        else
            snprintf(proxy_spec, sizeof(proxy_spec), "%s", cfg->proxy_host);
        vi.http_proxy_address = proxy_spec;
        vi.http_proxy_port = (unsigned int)cfg->proxy_port;
    } else {
        /* Without an explicit address lws 4.1.6 falls back to getenv("http_proxy")
         * (vhost.c), which would bypass our no_proxy rules. ":0" parses to port 0,
         * which lws treats as "no proxy". */
        vi.http_proxy_address = ":0";
    }
    struct lws_vhost *vh = lws_create_vhost(ctx->lws, &vi);
    memset(proxy_spec, 0, sizeof(proxy_spec)); /* credentials */
    if (!vh) {
        css_errf(errbuf, errlen, "lws_create_vhost failed for the %s client", proxied ? "proxied" : "direct");
        return NULL;
    }
    if (ctx->ca_load_failed) {
        css_errf(errbuf, errlen, "cannot load CA certificates from %s", ctx->ca_error);
        return NULL;
    }
    return vh;
}

/* Binds (never listens) a throw-away socket the way lws will, to learn why an address
 * cannot be used. Returns 0 if the bind works; otherwise -1 with the reason in why. */
static int css_probe_bind(const char *address, int port, char *why, size_t why_len) {
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    socklen_t ss_len;
    int ipv6 = strchr(address, ':') != NULL;
    if (ipv6) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, address, &a6->sin6_addr) != 1) goto not_numeric;
        ss_len = sizeof(*a6);
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, address, &a4->sin_addr) != 1) goto not_numeric;
        ss_len = sizeof(*a4);
    }
    int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(why, why_len, "%s", strerror(errno));
        return -1;
    }
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)); /* as lws does */
    if (ipv6) (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    int rc = bind(fd, (struct sockaddr *)&ss, ss_len);
    int err = errno;
    close(fd);
    if (rc == 0) return 0;
    snprintf(why, why_len, "%s", strerror(err));
    return -1;
not_numeric:
    snprintf(why, why_len, "not a numeric IPv4 or IPv6 address");
    return -1;
}

/* Creating thread. The plain-HTTP server vhost on exactly ctx->http_address. */
static struct lws_vhost *css_make_http_vhost(css_context *ctx, int port, char *errbuf, size_t errlen) {
    const char *address = ctx->http_address;
    int ipv6 = strchr(address, ':') != NULL;
    char why[160];
    /* lws' own bind failure only says "see the log": find the reason first (errno). */
    if (css_probe_bind(address, port, why, sizeof(why))) {
        css_errf(errbuf, errlen, ipv6 ? "cannot listen on [%s]:%d: %s" : "cannot listen on %s:%d: %s", address, port,
                 why);
        return NULL;
    }
    struct lws_context_creation_info vi;
    memset(&vi, 0, sizeof(vi));
    vi.port = port; /* 0: ephemeral */
    vi.iface = address;
    vi.protocols = css_http_protocols;
    vi.vhost_name = "css-http";
    /* No TLS options: plain HTTP. A numeric IPv4 iface needs IPv6 off on the vhost, or
     * lws 4.1.6 binds an AF_INET6 socket to a mangled address; IPv6 is v6-only. */
    vi.options = LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND |
                 (ipv6 ? (LWS_SERVER_OPTION_IPV6_V6ONLY_MODIFY | LWS_SERVER_OPTION_IPV6_V6ONLY_VALUE)
                       : LWS_SERVER_OPTION_DISABLE_IPV6);
    vi.http_proxy_address = ":0"; /* see css_make_vhost: never read http_proxy */
    vi.keepalive_timeout = 5;
    vi.timeout_secs_ah_idle = 3; /* a silent client frees its header table (shared with the WebSockets) soon */
    struct lws_vhost *vh = lws_create_vhost(ctx->lws, &vi);
    if (!vh) {
        if (css_probe_bind(address, port, why, sizeof(why))) /* lost a race for the port */
            css_errf(errbuf, errlen, ipv6 ? "cannot listen on [%s]:%d: %s" : "cannot listen on %s:%d: %s", address,
                     port, why);
        else
            css_errf(errbuf, errlen, ipv6 ? "cannot listen on [%s]:%d (see the lws log)" : "cannot listen on %s:%d (see the lws log)",
                     address, port);
        return NULL;
    }
    ctx->http_port = lws_get_vhost_listen_port(vh);
    if (ctx->http_port <= 0 || (port && ctx->http_port != port)) {
        css_errf(errbuf, errlen, ipv6 ? "cannot listen on [%s]:%d: lws opened no listener" : "cannot listen on %s:%d: lws opened no listener",
                 address, port);
        ctx->http_port = 0;
        return NULL; /* lws_context_destroy frees the vhost */
    }
    return vh;
}

int css_http_listen_port(css_context *ctx) {
    return ctx && ctx->vh_http ? ctx->http_port : 0;
}

css_context *css_context_create(const css_config *cfg, css_event_fn fn, void *user, char *errbuf,
                                size_t errbuf_len) {
    if (!cfg || !fn) {
        css_errf(errbuf, errbuf_len, "invalid arguments");
        return NULL;
    }
    if (cfg->proxy_host && (!*cfg->proxy_host || cfg->proxy_port <= 0 || cfg->proxy_port > 65535)) {
        css_errf(errbuf, errbuf_len, "proxy needs a host and a port in 1...65535");
        return NULL;
    }
    if (cfg->http_listen_address) {
        unsigned char probe[sizeof(struct in6_addr)];
        if (inet_pton(AF_INET, cfg->http_listen_address, probe) != 1 &&
            inet_pton(AF_INET6, cfg->http_listen_address, probe) != 1) {
            css_errf(errbuf, errbuf_len, "cannot listen on %s:%d: not a numeric IPv4 or IPv6 address",
                     cfg->http_listen_address, cfg->http_listen_port);
            return NULL;
        }
        if (cfg->http_listen_port < 0 || cfg->http_listen_port > 65535 || !cfg->http_fn) {
            css_errf(errbuf, errbuf_len, "the HTTP listener needs a port in 0...65535 and a request callback");
            return NULL;
        }
    }
    css_context *ctx = calloc(1, sizeof(*ctx));
    if (!ctx) {
        css_errf(errbuf, errbuf_len, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&ctx->lock, NULL);
    ctx->fn = fn;
    ctx->user = user;
    ctx->max_message = cfg->max_message_bytes ? cfg->max_message_bytes : CSS_DEFAULT_MAX_MESSAGE;
    ctx->close_timeout_ms = cfg->close_timeout_ms ? cfg->close_timeout_ms : CSS_DEFAULT_CLOSE_MS;
    ctx->handshake_timeout_secs = cfg->handshake_timeout_secs ? cfg->handshake_timeout_secs : CSS_DEFAULT_HANDSHAKE_SECS;
    if (cfg->extra_ca_file && *cfg->extra_ca_file) {
        ctx->extra_ca_file = strdup(cfg->extra_ca_file);
        if (!ctx->extra_ca_file) goto oom;
    }
    if (cfg->http_listen_address) {
        ctx->http_address = strdup(cfg->http_listen_address);
        if (!ctx->http_address) goto oom;
        ctx->http_fn = cfg->http_fn;
        ctx->http_user = cfg->http_user;
    }

    /*
     * LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT on the *context* makes lws 4.1.6 run
     * lws_context_init_ssl_library (openssl-tls.c), which re-allocates the process-global
     * SSL/SSL_CTX ex-data indices that lws uses to find the wsi from an SSL*. Doing that
     * while another context has a TLS handshake in flight makes that handshake fail
     * ("certificate verify failed": the verify callback cannot find its wsi). So only the
     * first context of the process does the global init (creation is serialised), and the
     * others set the option only on their vhosts, which is what makes lws create the client
     * SSL_CTX (tls-client.c); vhost destruction frees it either way (lws_ssl_SSL_CTX_destroy).
     */
    pthread_mutex_lock(&css_create_lock);
    int global_init = !css_ssl_global_init_done;

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof(info));
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | (global_init ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0);
    info.user = ctx;
    info.fd_limit_per_thread = CSS_FD_LIMIT;
    info.timeout_secs = ctx->handshake_timeout_secs + 5; /* backstop behind our handshake timer */
    info.connect_timeout_secs = info.timeout_secs;
    info.count_threads = 1;
    if (ctx->http_address) info.max_http_header_pool = CSS_HTTP_HEADER_POOL;

    ctx->lws = lws_create_context(&info);
    if (!ctx->lws) {
        css_errf(errbuf, errbuf_len, "lws_create_context failed (see the lws log)");
        goto fail_locked;
    }
    if (global_init) css_ssl_global_init_done = 1;
    ctx->vh_direct = css_make_vhost(ctx, cfg, 0, errbuf, errbuf_len);
    if (!ctx->vh_direct) goto fail_lws;
    if (cfg->proxy_host) {
        ctx->vh_proxy = css_make_vhost(ctx, cfg, 1, errbuf, errbuf_len);
        if (!ctx->vh_proxy) goto fail_lws;
    }
    if (ctx->http_address) {
        ctx->vh_http = css_make_http_vhost(ctx, cfg->http_listen_port, errbuf, errbuf_len);
        if (!ctx->vh_http) goto fail_lws;
    }

    pthread_mutex_unlock(&css_create_lock);

    int rc = pthread_create(&ctx->thread, NULL, css_service_main, ctx);
    if (rc) {
        css_errf(errbuf, errbuf_len, "pthread_create failed: %s", strerror(rc));
        css_destroy_lws(ctx);
        goto fail;
    }
    ctx->thread_started = 1;
    return ctx;

oom:
    css_errf(errbuf, errbuf_len, "out of memory");
    goto fail;
fail_lws:
    pthread_mutex_unlock(&css_create_lock);
    css_destroy_lws(ctx);
    goto fail;
fail_locked:
    pthread_mutex_unlock(&css_create_lock);
fail:
    free(ctx->extra_ca_file);
    free(ctx->http_address);
    pthread_mutex_destroy(&ctx->lock);
    free(ctx);
    return NULL;
}

/* lock held. Queues r and wakes the service thread at most once per drain. */
static void css_enqueue_locked(css_context *ctx, css_req *r) {
    r->next = NULL;
    if (ctx->q_tail) ctx->q_tail->next = r;
    else ctx->q_head = r;
    ctx->q_tail = r;
    if (!ctx->wake_pending && !ctx->lws_gone) {
        ctx->wake_pending = 1;
        lws_cancel_service(ctx->lws);
    }
}

static int css_parse_url(css_conn *c, const char *url) {
    size_t ulen = strlen(url);
    if (ulen < 6 || ulen > 8192) return -1;
    /* "ws://host:port?query" (no slash before the query): lws_parse_uri would drop
     * the query, so insert the '/' first. */
    const char *sep = strstr(url, "://");
    if (!sep) return -1;
    const char *auth_end = sep + 3 + strcspn(sep + 3, "/?#");
    if (*auth_end == '?') {
        c->url_copy = malloc(ulen + 2);
        if (!c->url_copy) return -2;
        size_t head = (size_t)(auth_end - url);
        memcpy(c->url_copy, url, head);
        c->url_copy[head] = '/';
        memcpy(c->url_copy + head + 1, auth_end, ulen - head + 1);
    } else {
        c->url_copy = strdup(url);
        if (!c->url_copy) return -2;
    }
    /* drop a fragment; lowercase the scheme */
    char *hash = strchr(c->url_copy, '#');
    if (hash) *hash = '\0';
    for (char *p = c->url_copy; *p && *p != ':'; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');

    const char *prot = NULL, *ads = NULL, *path = NULL;
    int port = 0;
    if (lws_parse_uri(c->url_copy, &prot, &ads, &port, &path)) return -1;
    if (!strcmp(prot, "wss")) c->use_ssl = 1;
    else if (strcmp(prot, "ws")) return -1;

    if (!*ads || strchr(ads, '@') || strchr(ads, ' ') || strchr(ads, '?')) return -1;
    if (port <= 0 || port > 65535) return -1;
    int ipv6 = strchr(ads, ':') != NULL;
    if (ipv6 && c->use_ssl) return -1; /* lws cuts the TLS host name at the first ':' */

    size_t plen = strlen(path) + 2;
    c->path = malloc(plen);
    if (!c->path) return -2;
    if (!strcmp(path, "/")) snprintf(c->path, plen, "/");
    else snprintf(c->path, plen, "/%s", path);

    size_t hlen = strlen(ads) + 16;
    c->host_header = malloc(hlen);
    if (!c->host_header) return -2;
    int default_port = c->use_ssl ? 443 : 80;
    if (ipv6) snprintf(c->host_header, hlen, "[%s]:%d", ads, port);
    else if (port == default_port) snprintf(c->host_header, hlen, "%s", ads);
    else snprintf(c->host_header, hlen, "%s:%d", ads, port);

    c->address = ads;
    c->port = port;
    return 0;
}

int css_connect(css_context *ctx, const char *url, int via_proxy, uint64_t *out_id) {
    if (!ctx || !url || !out_id) return CSS_ERR_INVALID_ARGUMENT;
    if (via_proxy && !ctx->vh_proxy) return CSS_ERR_NO_PROXY;
    css_conn *c = calloc(1, sizeof(*c));
    if (!c) return CSS_ERR_NO_MEMORY;
    c->ctx = ctx;
    c->via_proxy = via_proxy ? 1 : 0;
    c->accepting = 1;
    int prc = css_parse_url(c, url);
    if (prc) {
        css_conn_free(c);
        return prc == -2 ? CSS_ERR_NO_MEMORY : CSS_ERR_INVALID_URL;
    }
    css_req *r = calloc(1, sizeof(*r));
    if (!r) {
        css_conn_free(c);
        return CSS_ERR_NO_MEMORY;
    }
    r->kind = REQ_CONNECT;

    pthread_mutex_lock(&ctx->lock);
    if (ctx->shutting_down || ctx->lws_gone) {
        pthread_mutex_unlock(&ctx->lock);
        free(r);
        css_conn_free(c);
        return CSS_ERR_SHUTTING_DOWN;
    }
    c->id = ++ctx->next_id;
    if (css_table_insert(ctx, c)) {
        pthread_mutex_unlock(&ctx->lock);
        free(r);
        css_conn_free(c);
        return CSS_ERR_NO_MEMORY;
    }
    r->id = c->id;
    *out_id = c->id;
    /* Always through the queue (even on the service thread) so that no event for
     * the id can be delivered before css_connect returns. */
    css_enqueue_locked(ctx, r);
    pthread_mutex_unlock(&ctx->lock);
    return CSS_OK;
}

/* Checks the id (lock held) and either queues r or, on the service thread, applies it. */
static int css_submit(css_context *ctx, css_req *r, int closing, int aborting) {
    pthread_mutex_lock(&ctx->lock);
    if (ctx->lws_gone || (ctx->shutting_down && !aborting)) {
        pthread_mutex_unlock(&ctx->lock);
        free(r);
        return CSS_ERR_SHUTTING_DOWN;
    }
    css_conn *c = css_table_find(ctx, r->id);
    if (!c || (aborting ? c->abort_requested : !c->accepting)) {
        pthread_mutex_unlock(&ctx->lock);
        free(r);
        return CSS_ERR_UNKNOWN_CONNECTION;
    }
    if (closing) c->accepting = 0;
    if (aborting) {
        c->accepting = 0;
        c->abort_requested = 1;
    }
    if (!closing && !aborting && css_on_service_thread(ctx)) {
        /* A send from inside an event callback: append and ask for WRITEABLE directly.
         * The connection cannot be freed under us: only this thread frees. (Close and
         * abort are queued even here: they may drop a wsi whose callback is running.) */
        pthread_mutex_unlock(&ctx->lock);
        css_apply(ctx, c, r);
        return CSS_OK;
    }
    css_enqueue_locked(ctx, r);
    pthread_mutex_unlock(&ctx->lock);
    return CSS_OK;
}

static int css_send_frame(css_context *ctx, uint64_t id, const uint8_t *data, size_t len, int kind) {
    if (!ctx || (!data && len)) return CSS_ERR_INVALID_ARGUMENT;
    css_req *r = malloc(sizeof(*r) + LWS_PRE + len);
    if (!r) return CSS_ERR_NO_MEMORY;
    r->next = NULL;
    r->id = id;
    r->kind = kind;
    r->code = 0;
    r->len = len;
    if (len) memcpy(r->buf + LWS_PRE, data, len);
    return css_submit(ctx, r, 0, 0);
}

int css_send_text(css_context *ctx, uint64_t id, const uint8_t *data, size_t length) {
    return css_send_frame(ctx, id, data, length, REQ_SEND_TEXT);
}

int css_send_ping(css_context *ctx, uint64_t id, const uint8_t *data, size_t length) {
    if (length > 125) return CSS_ERR_INVALID_ARGUMENT;
    return css_send_frame(ctx, id, data, length, REQ_SEND_PING);
}

int css_close(css_context *ctx, uint64_t id, int code, const char *reason) {
    if (!ctx) return CSS_ERR_INVALID_ARGUMENT;
    /* codes a client may send (RFC 6455 7.4): 1000-1003, 1007-1011, 3000-4999 */
    if (!((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999)))
        return CSS_ERR_INVALID_ARGUMENT;
    size_t rlen = reason ? strlen(reason) : 0;
    if (rlen > CSS_MAX_REASON) {
        rlen = CSS_MAX_REASON;
        while (rlen > 0 && ((unsigned char)reason[rlen] & 0xC0) == 0x80) rlen--; /* keep UTF-8 whole */
    }
    css_req *r = malloc(sizeof(*r) + rlen + 1);
    if (!r) return CSS_ERR_NO_MEMORY;
    r->next = NULL;
    r->id = id;
    r->kind = REQ_CLOSE;
    r->code = code;
    r->len = rlen;
    if (rlen) memcpy(r->buf, reason, rlen);
    r->buf[rlen] = '\0';
    return css_submit(ctx, r, 1, 0);
}

int css_abort(css_context *ctx, uint64_t id) {
    if (!ctx) return CSS_ERR_INVALID_ARGUMENT;
    css_req *r = calloc(1, sizeof(*r));
    if (!r) return CSS_ERR_NO_MEMORY;
    r->id = id;
    r->kind = REQ_ABORT;
    return css_submit(ctx, r, 0, 1);
}

void css_context_shutdown(css_context *ctx) {
    if (!ctx) return;
    pthread_mutex_lock(&ctx->lock);
    if (!ctx->shutting_down && !ctx->lws_gone) {
        ctx->shutting_down = 1; /* seen by the next drain, which starts the shutdown */
        if (css_on_service_thread(ctx)) {
            /* the drain may be running right now; make sure another one follows */
            lws_cancel_service(ctx->lws);
        } else if (!ctx->wake_pending) {
            ctx->wake_pending = 1;
            lws_cancel_service(ctx->lws);
        }
    }
    pthread_mutex_unlock(&ctx->lock);
}

void css_context_free(css_context *ctx) {
    if (!ctx) return;
    if (ctx->thread_started) pthread_join(ctx->thread, NULL);
    free(ctx->conns);
    free(ctx->extra_ca_file);
    free(ctx->http_address);
    pthread_mutex_destroy(&ctx->lock);
    free(ctx);
}
