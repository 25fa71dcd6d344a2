/* Inbound message reassembly; see slack_socket_rx.h. */
#include "slack_socket_rx.h"

#include <stdlib.h>
#include <string.h>

/* Data of an empty message: never NULL. */
static const uint8_t css_rx_empty[1] = {0};

void css_rx_reset(css_rx *rx) {
    rx->active = 0;
    rx->discarding = 0;
    rx->len = 0;
    rx->seen = 0;
    if (rx->cap > CSS_RX_KEEP_CAPACITY) {
        free(rx->buf);
        rx->buf = NULL;
        rx->cap = 0;
    }
}

void css_rx_free(css_rx *rx) {
    free(rx->buf);
    rx->buf = NULL;
    rx->cap = 0;
    rx->len = 0;
}

int css_rx_feed(css_rx *rx, size_t max_message, int binary, int final,
                const uint8_t *in, size_t len, css_event *ev) {
    if (!rx->active) {
        rx->active = 1;
        rx->binary = binary;
        rx->len = 0;
        rx->seen = 0;
        rx->discarding = 0;
    }
    rx->seen += len;

    if (!rx->discarding) {
        if (rx->seen > max_message) {
            rx->discarding = 1;
            rx->len = 0;
        } else if (final && rx->len == 0) {
            /* whole message in one chunk: hand lws' buffer over without copying */
            ev->kind = rx->binary ? CSS_EVENT_BINARY : CSS_EVENT_TEXT;
            ev->data = len ? in : css_rx_empty;
            ev->length = len;
            return 1;
        } else {
            if (rx->len + len > rx->cap) {
                size_t cap = rx->cap ? rx->cap : 65536;
                while (cap < rx->len + len) cap *= 2;
                if (cap > max_message) cap = max_message;
                uint8_t *nb = realloc(rx->buf, cap);
                if (!nb) { /* cannot hold it: treat like oversized */
                    rx->discarding = 1;
                    rx->len = 0;
                } else {
                    rx->buf = nb;
                    rx->cap = cap;
                }
            }
            if (!rx->discarding) {
                if (len) memcpy(rx->buf + rx->len, in, len);
                rx->len += len;
            }
        }
    }

    if (!final) return 0;

    if (rx->discarding) {
        ev->kind = CSS_EVENT_OVERSIZED;
        ev->data = css_rx_empty;
        ev->length = rx->seen;
    } else {
        ev->kind = rx->binary ? CSS_EVENT_BINARY : CSS_EVENT_TEXT;
        ev->data = rx->len ? rx->buf : css_rx_empty;
        ev->length = rx->len;
    }
    return 1;
}
