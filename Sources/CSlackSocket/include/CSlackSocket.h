/*
 * CSlackSocket: a narrow WebSocket client over libwebsockets 4.1.6.
 *
 * One css_context owns one lws_context (client only), its protocol table and one
 * pthread named "lws-service" that runs the lws event loop. Connections are
 * identified by uint64 ids the shim assigns; Swift never sees a `struct lws *`.
 *
 * Threading contract
 *   - Every function below may be called from any thread, including from inside
 *     the event callback (which runs on the service thread), except
 *     css_context_free (see there). Sends made inside the callback are applied
 *     directly (no wake-up); everything else is queued for the service thread.
 *   - Events are delivered to ONE callback, on the service thread, in order per
 *     connection. Pointers inside an event are valid only during the call.
 *   - Every connection ends with exactly one CSS_EVENT_CLOSED or CSS_EVENT_ERROR,
 *     which is the last event for its id. CSS_EVENT_TERMINATED is the last
 *     event of the context; after it the callback is never called again.
 *
 * Optional HTTP listener
 *   css_config.http_listen_address adds one plain-HTTP server vhost to the same
 *   lws_context, served by the same service thread (no extra thread). It listens
 *   on exactly that numeric address, answers GET through css_http_fn and every
 *   other method with 405. It is meant for a loopback metrics page.
 */
#ifndef CSLACKSOCKET_H
#define CSLACKSOCKET_H

#include <stddef.h>
#include <stdint.h>

#if !defined(__clang__) && !defined(_Nullable)
#define _Nullable
#define _Nonnull
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque context: one lws_context, one service thread, many connections. */
typedef struct css_context css_context;

/** Kinds of event delivered to css_event_fn. */
typedef enum css_event_kind {
    /** The WebSocket handshake completed; the connection can send and receive. */
    CSS_EVENT_OPEN = 1,
    /** A complete text message (data, length); all fragments reassembled. */
    CSS_EVENT_TEXT = 2,
    /** A complete binary message (data, length). */
    CSS_EVENT_BINARY = 3,
    /** A PONG control frame arrived (data, length = its payload). */
    CSS_EVENT_PONG = 4,
    /** A message exceeded max_message_bytes and was discarded; length = its full size.
     *  Emitted once per such message, when it ends; the connection stays open. */
    CSS_EVENT_OVERSIZED = 5,
    /** The connection closed (close_code, reason in data/length). Last event for the id. */
    CSS_EVENT_CLOSED = 6,
    /** The connection never opened (error, http_status, lws message in data/length).
     *  Last event for the id. */
    CSS_EVENT_ERROR = 7,
    /** The service thread destroyed the lws_context. Last event of the context. */
    CSS_EVENT_TERMINATED = 8,
} css_event_kind;

/** Results of the API functions and error kinds of CSS_EVENT_ERROR. */
typedef enum css_error {
    CSS_OK = 0,
    /* returned by API functions */
    /** A NULL pointer, an over-long ping payload or a bad close code. */
    CSS_ERR_INVALID_ARGUMENT = 1,
    /** The URL is not ws:// or wss:// with a host (and an optional port, path, query). */
    CSS_ERR_INVALID_URL = 2,
    /** No such connection, or it is closing or closed. */
    CSS_ERR_UNKNOWN_CONNECTION = 3,
    /** css_context_shutdown was called (or the service loop ended). */
    CSS_ERR_SHUTTING_DOWN = 4,
    /** malloc failed. */
    CSS_ERR_NO_MEMORY = 5,
    /** css_connect asked for the proxy but the context has none configured. */
    CSS_ERR_NO_PROXY = 6,
    /* kinds of CSS_EVENT_ERROR */
    /** DNS, TCP connect, proxy CONNECT or the socket failed before the handshake. */
    CSS_ERR_CONNECT_FAILED = 20,
    /** The TLS handshake failed (certificate verification, protocol). */
    CSS_ERR_TLS_FAILED = 21,
    /** The server answered the upgrade with an HTTP status other than 101 (http_status). */
    CSS_ERR_HANDSHAKE_REJECTED = 22,
    /** The upgrade response was not a valid WebSocket handshake. */
    CSS_ERR_PROTOCOL_ERROR = 23,
    /** The connection was aborted, closed or shut down before the handshake completed. */
    CSS_ERR_CANCELLED = 24,
    /** A connect or handshake timeout expired. */
    CSS_ERR_TIMED_OUT = 25,
} css_error;

/** One event. Pointers are valid only for the duration of the callback. */
typedef struct css_event {
    css_event_kind kind;
    /** The connection the event is about; 0 for CSS_EVENT_TERMINATED. */
    uint64_t connection_id;
    /** TEXT/BINARY/PONG: payload. CLOSED: close reason (UTF-8). ERROR: lws' message
     *  (NUL-terminated, no URL). May be NULL when length is 0. */
    const uint8_t *_Nullable data;
    /** Bytes at data; for OVERSIZED the size of the discarded message. */
    size_t length;
    /** CLOSED: the close code (peer's code, the code we sent, or 1006 for a TCP drop). */
    int close_code;
    /** ERROR: what failed. */
    css_error error;
    /** ERROR with CSS_ERR_HANDSHAKE_REJECTED: the HTTP status of the upgrade response. */
    int http_status;
} css_event;

/** Event callback; runs on the service thread, must not block. */
typedef void (*css_event_fn)(void *_Nullable user, const css_event *_Nonnull event);

/**
 * The answer to one HTTP request, filled inside css_http_fn with css_http_respond.
 * Opaque; valid only during that call.
 */
typedef struct css_http_response css_http_response;

/**
 * HTTP request callback of the optional listener. Runs on the service thread, one
 * request at a time, and must be quick and never block (every WebSocket waits
 * meanwhile). `path` is the request path as lws normalised it (percent-decoded,
 * no query string), NUL-terminated, valid only during the call. Only GET requests
 * reach it. Answer with css_http_respond; without an answer the client gets 500.
 */
typedef void (*css_http_fn)(void *_Nullable user, const char *_Nonnull path,
                            css_http_response *_Nonnull response);

/**
 * Sets the answer of the request being handled (a later call replaces an earlier one).
 * Everything is copied before it returns, so the caller keeps ownership of its buffers.
 *   status:       200...599
 *   content_type: printable ASCII without CR/LF, at most 127 bytes (e.g. "text/plain")
 *   body, length: the body (NULL allowed when length is 0), at most 64 MiB
 * Returns CSS_OK, CSS_ERR_INVALID_ARGUMENT or CSS_ERR_NO_MEMORY (the answer is then 500).
 * Call it only from inside css_http_fn, on the response given there.
 */
int css_http_respond(css_http_response *_Nonnull response, int status,
                     const char *_Nonnull content_type, const uint8_t *_Nullable body,
                     size_t length);

/** Configuration copied by css_context_create. Zero fields take the defaults. */
typedef struct css_config {
    /** PEM bundle trusted IN ADDITION to the system CA store (NULL: system store only). */
    const char *_Nullable extra_ca_file;
    /** HTTP CONNECT proxy host (IPv6 in brackets), NULL for none. */
    const char *_Nullable proxy_host;
    /** Proxy port (required when proxy_host is set). */
    int proxy_port;
    /** "user:password" for proxy Basic auth, or NULL. */
    const char *_Nullable proxy_credentials;
    /** Largest inbound message delivered; larger ones give CSS_EVENT_OVERSIZED. 0: 16 MiB. */
    size_t max_message_bytes;
    /** TCP connect + TLS + upgrade timeout in seconds. 0: 20. */
    unsigned int handshake_timeout_secs;
    /** How long after sending our close frame the socket is dropped if the peer
     *  has not closed it, in milliseconds. 0: 1000. */
    unsigned int close_timeout_ms;
    /** Numeric IPv4 or IPv6 address (no brackets) for a plain-HTTP listener, e.g.
     *  "127.0.0.1" or "::1"; NULL for none. Only this address is bound (IPv6 is
     *  v6-only). If it cannot be bound, css_context_create fails. */
    const char *_Nullable http_listen_address;
    /** TCP port of the listener, 0...65535; 0 picks a free port (see css_http_listen_port). */
    int http_listen_port;
    /** Answers the listener's GET requests; required with http_listen_address. */
    css_http_fn _Nullable http_fn;
    /** Passed to http_fn; must stay valid until CSS_EVENT_TERMINATED was delivered. */
    void *_Nullable http_user;
} css_config;

/**
 * Creates the lws_context and starts the "lws-service" thread.
 * Returns NULL on failure with a message in errbuf (if given). When the HTTP
 * listener cannot be bound the message starts with "cannot listen on ", e.g.
 * "cannot listen on 127.0.0.1:9464: Address already in use".
 * The event callback may be called as soon as this returns.
 */
css_context *_Nullable css_context_create(const css_config *_Nonnull config,
                                          css_event_fn _Nonnull fn,
                                          void *_Nullable user,
                                          char *_Nullable errbuf,
                                          size_t errbuf_len);

/** The TCP port the HTTP listener is bound to, or 0 if there is none. Any thread. */
int css_http_listen_port(css_context *_Nonnull ctx);

/**
 * Starts connecting to a ws:// or wss:// URL (path and query are sent as given).
 * via_proxy != 0 tunnels through the configured proxy. On CSS_OK *out_id holds
 * the connection id; the outcome arrives as CSS_EVENT_OPEN or CSS_EVENT_ERROR.
 * No event for the id is delivered before this function returns.
 */
int css_connect(css_context *_Nonnull ctx, const char *_Nonnull url, int via_proxy,
                uint64_t *_Nonnull out_id);

/** Queues one text frame (bytes are copied; length 0 is allowed). Frames go out in
 *  call order per thread; frames queued before OPEN wait for the handshake. */
int css_send_text(css_context *_Nonnull ctx, uint64_t id, const uint8_t *_Nullable data,
                  size_t length);

/** Queues one PING control frame; length <= 125. */
int css_send_ping(css_context *_Nonnull ctx, uint64_t id, const uint8_t *_Nullable data,
                  size_t length);

/**
 * Sends a close frame (code, reason truncated to 123 bytes) after the frames
 * already queued. The socket is dropped close_timeout_ms after the close frame
 * if the peer keeps it open; CLOSED then reports this code and reason. Data
 * frames arriving after the close frame are discarded by lws. Further sends on
 * the id fail. On a connection that is still connecting this cancels it
 * (CSS_EVENT_ERROR, CSS_ERR_CANCELLED). code: 1000-1003, 1007-1011, 3000-4999.
 */
int css_close(css_context *_Nonnull ctx, uint64_t id, int code, const char *_Nullable reason);

/** Drops the TCP connection without a close frame (CLOSED with 1006, or ERROR cancelled). */
int css_abort(css_context *_Nonnull ctx, uint64_t id);

/**
 * Starts shutdown; idempotent, any thread. Open connections are closed with
 * 1001 (bounded by close_timeout_ms), connecting ones are cancelled; each gets
 * its CLOSED/ERROR, then the lws_context is destroyed and CSS_EVENT_TERMINATED
 * is delivered.
 */
void css_context_shutdown(css_context *_Nonnull ctx);

/**
 * Joins the service thread and frees the context. Call only after
 * CSS_EVENT_TERMINATED was delivered, exactly once, and never from the event callback.
 */
void css_context_free(css_context *_Nonnull ctx);

/** Log levels passed to css_log_fn. */
typedef enum css_log_level {
    CSS_LOG_ERROR = 0,
    CSS_LOG_WARNING = 1,
    CSS_LOG_NOTICE = 2,
    CSS_LOG_INFO = 3,
} css_log_level;

/** Log sink; may be called on any thread (mostly the service thread). line has no newline. */
typedef void (*css_log_fn)(css_log_level level, const char *_Nonnull line);

/**
 * Routes lws' process-wide log output to fn (NULL: back to stderr, errors and
 * warnings only). Errors and warnings always; notices and info only if verbose.
 * Call before css_context_create to also capture creation logs.
 */
void css_set_log_sink(css_log_fn _Nullable fn, int verbose);

#ifdef __cplusplus
}
#endif

#endif /* CSLACKSOCKET_H */
