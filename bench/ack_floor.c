/*
 * ack_floor: the floor of the Socket Mode ack benchmark.
 *
 * A minimal libwebsockets client that does nothing but acknowledge: for every complete text message it finds
 * "envelope_id":"…" and writes {"envelope_id":"…"} back at once (all queued acks per writable callback, while the
 * socket takes them). No JSON parsing, no threads besides the lws service loop, no dispatch. It shows what this
 * machine, this simulator and libwebsockets allow; Vigil's figures are read against it.
 *
 * Like any Slack worker on this design (wss:// to Slack through libwebsockets, https:// Web API calls through
 * libcurl, both on OpenSSL) it sets both clients up for TLS at start: the libwebsockets client TLS context with the
 * system trust store, libcurl initialised with one handle. The bench's connections are ws://, so this costs nothing
 * per envelope; the idle RSS then shows what the design's libraries take before any worker code runs.
 *
 * Usage: ack-floor ws://127.0.0.1:PORT/link/?ticket=… [ws://… …]    (one connection per URL)
 *        or ACK_FLOOR_URLS="ws://… ws://…" ack-floor
 * The URLs are single-use Socket Mode tickets from apps.connections.open (vigil-bench fetches them).
 * SIGTERM/SIGINT: closes and exits 0. Exits 1 if a connection fails or closes.
 *
 * Build: cc -O2 bench/ack_floor.c $(pkg-config --cflags --libs libwebsockets libcurl) -o ack-floor
 * Written for libwebsockets 4.1 (Debian 12); no macros newer than that.
 */
#include <curl/curl.h>
#include <libwebsockets.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONNECTIONS 10
#define MAX_ID 64         /* Slack envelope ids are UUIDs (36 characters) */
#define QUEUE_SLOTS 512 /* pending acks per connection (the service loop drains them every round) */

struct ack_slot {
    unsigned char buf[LWS_PRE + MAX_ID + 32];
    size_t len;
};

struct conn {
    struct lws *wsi;
    char url[1024];   /* working copy, lws_parse_uri cuts it up */
    char path[1024];  /* "/" + path + query */
    int index;
    int closed;
    /* inbound message assembly */
    char *msg;
    size_t msg_len, msg_cap;
    /* outbound ack ring */
    struct ack_slot *ring;
    size_t head, tail; /* tail: next to write; head: next free */
};

static struct conn conns[MAX_CONNECTIONS];
static int conn_count;
static volatile sig_atomic_t stopping;
static struct lws_context *context;
static CURL *web_api; /* set up like a worker's Web API client, never used: the bench connections are ws:// */
static int failed;

static void on_signal(int sig) {
    (void)sig;
    stopping = 1;
    if (context) lws_cancel_service(context);
}

static void queue_ack(struct conn *c, const char *id, size_t id_len) {
    if (id_len > MAX_ID) return;
    size_t next = (c->head + 1) % QUEUE_SLOTS;
    if (next == c->tail) {
        fprintf(stderr, "ack-floor: ack queue full on connection %d\n", c->index);
        return;
    }
    struct ack_slot *slot = &c->ring[c->head];
    unsigned char *p = slot->buf + LWS_PRE;
    memcpy(p, "{\"envelope_id\":\"", 16);
    memcpy(p + 16, id, id_len);
    memcpy(p + 16 + id_len, "\"}", 2);
    slot->len = 16 + id_len + 2;
    c->head = next;
}

/* Finds "envelope_id":"…" in a complete message and queues its ack. */
static void handle_message(struct conn *c, const char *text, size_t len) {
    static const char key[] = "\"envelope_id\":\"";
    const size_t key_len = sizeof(key) - 1;
    if (len < key_len) return;
    for (size_t i = 0; i + key_len <= len; i++) {
        if (text[i] == '"' && memcmp(text + i, key, key_len) == 0) {
            const char *start = text + i + key_len;
            const char *end = memchr(start, '"', len - (size_t)(start - text));
            if (end) {
                queue_ack(c, start, (size_t)(end - start));
                lws_callback_on_writable(c->wsi);
            }
            return;
        }
    }
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    struct conn *c = (struct conn *)lws_get_opaque_user_data(wsi);
    (void)user;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        fprintf(stderr, "ack-floor: connection %d established\n", c ? c->index : -1);
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE: {
        if (!c) break;
        if (lws_frame_is_binary(wsi)) break;
        int first = lws_is_first_fragment(wsi);
        int final = lws_is_final_fragment(wsi);
        if (first && final) { /* the common case: one frame, no copy */
            handle_message(c, (const char *)in, len);
            break;
        }
        if (first) c->msg_len = 0;
        if (c->msg_len + len > c->msg_cap) {
            size_t cap = (c->msg_len + len) * 2;
            char *grown = realloc(c->msg, cap);
            if (!grown) return -1;
            c->msg = grown;
            c->msg_cap = cap;
        }
        memcpy(c->msg + c->msg_len, in, len);
        c->msg_len += len;
        if (final) {
            handle_message(c, c->msg, c->msg_len);
            c->msg_len = 0;
        }
        break;
    }
    case LWS_CALLBACK_CLIENT_WRITEABLE: {
        /* Write every queued ack while the socket takes them (lws_send_pipe_choked), not one per callback: the
         * floor is what the machine allows, so it does not pay an extra poll round per ack. */
        if (!c) break;
        while (c->tail != c->head) {
            struct ack_slot *slot = &c->ring[c->tail];
            int n = lws_write(wsi, slot->buf + LWS_PRE, slot->len, LWS_WRITE_TEXT);
            if (n < (int)slot->len) return -1;
            c->tail = (c->tail + 1) % QUEUE_SLOTS;
            if (lws_send_pipe_choked(wsi)) break;
        }
        if (c->tail != c->head) lws_callback_on_writable(wsi);
        break;
    }
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        fprintf(stderr, "ack-floor: connection %d error: %s\n", c ? c->index : -1,
                in ? (const char *)in : "(no detail)");
        if (c) { c->closed = 1; c->wsi = NULL; }
        if (!stopping) failed = 1;
        break;
    case LWS_CALLBACK_CLIENT_CLOSED:
        fprintf(stderr, "ack-floor: connection %d closed\n", c ? c->index : -1);
        if (c) { c->closed = 1; c->wsi = NULL; }
        if (!stopping) failed = 1;
        break;
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols protocols[] = {
    {"ack-floor", callback, 0, 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static int open_connection(struct conn *c) {
    const char *protocol = NULL, *address = NULL, *path = NULL;
    int port = 0;
    if (lws_parse_uri(c->url, &protocol, &address, &port, &path) || strcmp(protocol, "ws") != 0) {
        fprintf(stderr, "ack-floor: not a ws:// URL (connection %d)\n", c->index);
        return -1;
    }
    snprintf(c->path, sizeof(c->path), "/%s", path);
    struct lws_client_connect_info info;
    memset(&info, 0, sizeof(info));
    info.context = context;
    info.address = address;
    info.port = port;
    info.path = c->path;
    info.host = address;
    info.origin = address;
    info.ssl_connection = 0;
    info.protocol = NULL; /* Slack's endpoint names no subprotocol */
    info.local_protocol_name = protocols[0].name;
    info.opaque_user_data = c;
    info.pwsi = &c->wsi;
    if (!lws_client_connect_via_info(&info)) {
        fprintf(stderr, "ack-floor: connect failed (connection %d)\n", c->index);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    char *env_urls = NULL;
    const char *urls[MAX_CONNECTIONS];
    int url_count = 0;
    for (int i = 1; i < argc && url_count < MAX_CONNECTIONS; i++) urls[url_count++] = argv[i];
    if (url_count == 0 && getenv("ACK_FLOOR_URLS")) {
        env_urls = strdup(getenv("ACK_FLOOR_URLS"));
        for (char *save = NULL, *tok = strtok_r(env_urls, " ,\n", &save); tok && url_count < MAX_CONNECTIONS;
             tok = strtok_r(NULL, " ,\n", &save))
            urls[url_count++] = tok;
    }
    if (url_count == 0) {
        fprintf(stderr, "usage: ack-floor ws://HOST:PORT/link/?ticket=... [more URLs]  (or ACK_FLOOR_URLS)\n");
        return 2;
    }

    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof(info));
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.gid = -1;
    info.uid = -1;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(web_api = curl_easy_init())) {
        fprintf(stderr, "ack-floor: libcurl initialisation failed\n");
        return 1;
    }
    context = lws_create_context(&info);
    if (!context) {
        fprintf(stderr, "ack-floor: lws_create_context failed\n");
        return 1;
    }

    conn_count = url_count;
    for (int i = 0; i < conn_count; i++) {
        struct conn *c = &conns[i];
        c->index = i;
        snprintf(c->url, sizeof(c->url), "%s", urls[i]);
        c->ring = calloc(QUEUE_SLOTS, sizeof(struct ack_slot));
        if (!c->ring || open_connection(c)) {
            lws_context_destroy(context);
            return 1;
        }
    }

    while (!stopping && !failed) {
        if (lws_service(context, 0) < 0) break;
    }

    lws_context_destroy(context);
    for (int i = 0; i < conn_count; i++) {
        free(conns[i].ring);
        free(conns[i].msg);
    }
    free(env_urls);
    curl_easy_cleanup(web_api);
    curl_global_cleanup();
    return (stopping && !failed) ? 0 : 1;
}
