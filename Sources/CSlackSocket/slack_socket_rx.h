/*
 * Reassembly of inbound WebSocket messages from the chunks lws hands to
 * LWS_CALLBACK_CLIENT_RECEIVE (a message may arrive as several frames, and a
 * frame as several chunks). Pure: no lws, no locks, no callbacks, so the fuzz
 * target Tests/Fuzz/rx_reassembly_fuzz.c can drive it directly.
 * Internal to the shim (not in include/, so Swift never sees it).
 */
#ifndef CSS_SLACK_SOCKET_RX_H
#define CSS_SLACK_SOCKET_RX_H

#include "CSlackSocket.h"

#include <stddef.h>
#include <stdint.h>

/* A buffer grown past this is freed when its message is done. */
#define CSS_RX_KEEP_CAPACITY (256u * 1024u)

/* One connection's message being reassembled; all zero when idle. */
typedef struct css_rx {
    uint8_t *buf;
    size_t len, cap, seen;
    int active, binary, discarding;
} css_rx;

/*
 * Adds one chunk. `binary` is read only for the first chunk of a message;
 * `final` says the chunk ends the message. Returns 1 when the message is
 * complete: *ev then holds kind, data and length (TEXT/BINARY with the whole
 * message, or OVERSIZED with the size of a message larger than max_message,
 * which was discarded as it came); data points either at `in` (a message that
 * came in one chunk) or at rx->buf, valid until css_rx_reset. The caller emits
 * it and then calls css_rx_reset. Returns 0 while the message is incomplete.
 */
int css_rx_feed(css_rx *rx, size_t max_message, int binary, int final,
                const uint8_t *in, size_t len, css_event *ev);

/* Ends the current message; keeps a buffer up to CSS_RX_KEEP_CAPACITY for the next. */
void css_rx_reset(css_rx *rx);

/* Frees the buffer (the connection is going away). */
void css_rx_free(css_rx *rx);

#endif
