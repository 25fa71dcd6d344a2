/*
 * libFuzzer target for the shim's message reassembly (Sources/CSlackSocket/slack_socket_rx.c).
 *
 * The input is read as a size limit and a stream of chunks, the way lws hands them to
 * LWS_CALLBACK_CLIENT_RECEIVE: every message is cut into random fragments, some of them empty, some
 * large (up to 510 KiB of a repeated byte, so messages can outgrow the 64 KiB first buffer and the 256 KiB that is kept).
 * Each completed message is checked against a model: kind (text/binary from its first chunk, or
 * oversized), length, and content (FNV-1a of the bytes fed). Any mismatch aborts; ASan finds memory errors,
 * LeakSanitizer a buffer that outlives css_rx_free.
 *
 * Built by Tests/Fuzz/fuzz.sh: clang -fsanitize=fuzzer,address -I Sources/CSlackSocket/include …
 */
#include "slack_socket_rx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const size_t limits[] = {
    0, 1, 7, 100, 4096, 65535, 65536, 65537, 131072, 262144, 262145, 600000, 16u * 1024u * 1024u,
};

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "rx_reassembly_fuzz: check failed: %s\n", #cond);   \
            abort();                                                            \
        }                                                                       \
    } while (0)

static uint8_t big[255u << 11];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const size_t max_message = limits[data[0] % (sizeof limits / sizeof limits[0])];
    size_t at = 1;

    css_rx rx = {0};
    /* the model of the message in progress */
    int in_message = 0, model_binary = 0;
    size_t model_seen = 0;
    uint64_t model_hash = 14695981039346656037ull;

    size_t fed = 0; /* all chunks together stay near 1 MiB, so an input takes milliseconds */
    while (at < size && fed < (1u << 20)) {
        const uint8_t header = data[at++];
        const int final = header & 1;
        const int binary = (header >> 1) & 1;
        size_t len = 0;
        const uint8_t *chunk;
        switch ((header >> 2) & 3) {
        case 0: /* up to 255 bytes of the input */
        case 1:
            len = at < size ? data[at++] : 0;
            if (len > size - at) len = size - at;
            chunk = data + at;
            at += len;
            break;
        case 2: /* up to 64 KiB of the input */
            len = at + 1 < size ? (size_t)data[at] | (size_t)data[at + 1] << 8 : 0;
            at += at + 1 < size ? 2 : size - at;
            if (len > size - at) len = size - at;
            chunk = data + at;
            at += len;
            break;
        default: /* up to 510 KiB of one repeated byte */
            len = at + 1 < size ? ((size_t)data[at] << 11) : 0;
            memset(big, at + 1 < size ? data[at + 1] : 0, len);
            at += at + 1 < size ? 2 : size - at;
            chunk = big;
            break;
        }

        if (!in_message) {
            in_message = 1;
            model_binary = binary;
            model_seen = 0;
            model_hash = 14695981039346656037ull;
        }
        model_seen += len;
        fed += len;
        model_hash = fnv(model_hash, chunk, len);

        css_event ev = {0};
        const int done = css_rx_feed(&rx, max_message, binary, final, chunk, len, &ev);
        CHECK(done == final);
        CHECK(rx.discarding || rx.len <= rx.cap || (final && rx.len == 0));
        if (rx.cap) CHECK(rx.cap <= max_message);
        if (!done) continue;

        CHECK(ev.data != NULL);
        if (model_seen > max_message) {
            CHECK(ev.kind == CSS_EVENT_OVERSIZED);
            CHECK(ev.length == model_seen);
        } else {
            CHECK(ev.kind == (model_binary ? CSS_EVENT_BINARY : CSS_EVENT_TEXT));
            CHECK(ev.length == model_seen);
            CHECK(fnv(14695981039346656037ull, ev.data, ev.length) == model_hash);
        }
        css_rx_reset(&rx);
        CHECK(!rx.active && rx.len == 0 && rx.cap <= CSS_RX_KEEP_CAPACITY);
        in_message = 0;
    }
    css_rx_free(&rx);
    return 0;
}
