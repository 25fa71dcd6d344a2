#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets and runs each for FUZZ_SECONDS, then prints executions and result per
# target. Exits 1 when any target found a crash, a leak or a hang (the input is kept under .build-fuzz/artifacts/).
#
# Targets (docs/security.md, "Fuzzing"):
#   envelope mrkdwn alerts config   Tests/Fuzz/VigilFuzz (Swift, one binary; VIGIL_FUZZ_TARGET picks the decoder)
#   rx                              Tests/Fuzz/rx_reassembly_fuzz.c over Sources/CSlackSocket/slack_socket_rx.c
#
# Environment:
#   FUZZ_SECONDS   time per target, -max_total_time (default 300)
#   FUZZ_TARGETS   which targets, space-separated (default all five)
#   FUZZ_RSS_MB    -rss_limit_mb: more memory than this for one input fails (default 2048)
#   FUZZ_TIMEOUT   -timeout in seconds: one input taking longer is a hang and fails (default 10)
#   SWIFT          the toolchain's driver (default swift); clang (with libFuzzer) is taken from the same directory
#
# Leak reports of one-time allocations are suppressed, each with its reason, in Tests/Fuzz/lsan.supp.
# Everything it writes is under .build-fuzz/ (git-ignored): the build (its own scratch path, never .build), seeds
# made afresh from Tests/Fixtures/samples and deploy/vigil.example.yaml, the corpus kept between runs, artifacts, logs.
set -euo pipefail
cd "$(dirname "$0")/../.."

SWIFT="${SWIFT:-swift}"
FUZZ_SECONDS="${FUZZ_SECONDS:-300}"
FUZZ_TARGETS="${FUZZ_TARGETS:-envelope mrkdwn alerts config rx}"
FUZZ_RSS_MB="${FUZZ_RSS_MB:-2048}"
FUZZ_TIMEOUT="${FUZZ_TIMEOUT:-10}"
SCRATCH=.build-fuzz
TOOLCHAIN="$(dirname "$(readlink -f "$(command -v "$SWIFT")")")"
CLANG="$TOOLCHAIN/clang"
[ -x "$CLANG" ] || { echo "vigil: no clang next to $SWIFT ($CLANG); libFuzzer comes with the Swift toolchain's clang" >&2; exit 1; }

wants() { case " $FUZZ_TARGETS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
swift_targets=""
for target in envelope mrkdwn alerts config; do wants "$target" && swift_targets="$swift_targets $target"; done

# --- build ---------------------------------------------------------------------------------------------------------
if [ -n "$swift_targets" ]; then
    echo "vigil: building vigil-fuzz (release, -sanitize=fuzzer,address) in $SCRATCH"
    VIGIL_FUZZ=1 "$SWIFT" build -c release --scratch-path "$SCRATCH" --product vigil-fuzz \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
    swift_binary="$(VIGIL_FUZZ=1 "$SWIFT" build -c release --scratch-path "$SCRATCH" --show-bin-path \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)/vigil-fuzz"
fi
if wants rx; then
    echo "vigil: building rx-reassembly-fuzz (clang -fsanitize=fuzzer,address)"
    mkdir -p "$SCRATCH/c"
    linker=""
    [ -x "$TOOLCHAIN/ld.lld" ] && linker="-fuse-ld=lld"
    "$CLANG" -g -O2 -fsanitize=fuzzer,address $linker -Wall -Wextra -Werror \
        -I Sources/CSlackSocket/include -I Sources/CSlackSocket \
        Tests/Fuzz/rx_reassembly_fuzz.c Sources/CSlackSocket/slack_socket_rx.c -o "$SCRATCH/c/rx-reassembly-fuzz"
fi

# --- seeds, from the repository's fixtures ------------------------------------------------------------------------
seeds="$SCRATCH/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"/{envelope,mrkdwn,alerts,config,rx}
fixtures=$(find Tests/Fixtures/samples -type f -name '*.json' | sort)
# One file per NUL-terminated record of stdin: $1/<$2>-<number>.
split_records() {
    local dir="$1" prefix="$2" record n=0
    while IFS= read -r -d '' record; do
        n=$((n + 1))
        printf '%s' "$record" >"$dir/$prefix-$n"
    done
}
for file in $fixtures; do cp "$file" "$seeds/envelope/$(basename "$file")"; done
if command -v jq >/dev/null 2>&1; then
    for file in $fixtures; do
        name=$(basename "$file" .json)
        # every string (texts, titles, fields) for mrkdwn
        jq -j '.. | strings | select(length > 0) | . + "\u0000"' "$file" | split_records "$seeds/mrkdwn" "$name"
        # every object that looks like a message, and every string of the alert samples posted as a bot's text
        jq -j '.. | objects | select(has("text") or has("attachments") or has("blocks")) | tojson + "\u0000"' \
            "$file" | split_records "$seeds/alerts" "$name"
        case "$file" in
            */alerts/*) jq -j '.. | strings | select(length > 8) | {type: "message", subtype: "bot_message",
                bot_id: "B0FUZZ", ts: "1700000000.000100", text: .} | tojson + "\u0000"' "$file" \
                | split_records "$seeds/alerts" "$name-text" ;;
        esac
    done
else
    echo "vigil: jq not found; the mrkdwn and alerts seeds are the whole fixture files (slower start)" >&2
    for file in $fixtures; do
        cp "$file" "$seeds/mrkdwn/$(basename "$file")"
        cp "$file" "$seeds/alerts/$(basename "$file")"
    done
fi
cp deploy/vigil.example.yaml "$seeds/config/vigil.example.yaml"
# and the YAML examples of the documentation
awk -v dir="$seeds/config" '/^```yaml/ { n++; out = dir "/docs-" n ".yaml"; next } /^```/ { out = ""; next }
    out { print > out }' docs/*.md README.md
# rx: each fixture as one text message cut in two, sizes chosen to pass the 64 KiB buffer
for file in $fixtures; do
    { printf '\x04'; printf '\x04\x20'; head -c 32 "$file"; printf '\x05\xff'; head -c 287 "$file" | tail -c +33; } \
        >"$seeds/rx/$(basename "$file")"
done
# three large chunks (160, 192, 128 KiB of one byte) under a 600 000-byte limit, and over a 65 535-byte one
printf '\x0b\x0c\x50A\x0c\x60B\x0d\x40C' >"$seeds/rx/large"
printf '\x05\x0c\x50A\x0c\x60B\x0d\x40C' >"$seeds/rx/oversized"

# --- run ----------------------------------------------------------------------------------------------------------
summary=()
failed=0
for target in $FUZZ_TARGETS; do
    case "$target" in
        envelope | mrkdwn | alerts | config) binary="$swift_binary" ;;
        rx) binary="$SCRATCH/c/rx-reassembly-fuzz" ;;
        *) echo "vigil: unknown fuzz target $target (envelope mrkdwn alerts config rx)" >&2; exit 2 ;;
    esac
    corpus="$SCRATCH/corpus/$target"
    artifacts="$SCRATCH/artifacts/$target/"
    log="$SCRATCH/logs/$target.log"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    echo "vigil: fuzzing $target for ${FUZZ_SECONDS}s (log: $log)"
    status=0
    VIGIL_FUZZ_TARGET="$target" ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}" \
        LSAN_OPTIONS="suppressions=$PWD/Tests/Fuzz/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}" "$binary" \
        -max_total_time="$FUZZ_SECONDS" -rss_limit_mb="$FUZZ_RSS_MB" -timeout="$FUZZ_TIMEOUT" -detect_leaks=1 \
        -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" "$seeds/$target" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    [ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
    if [ "$status" -eq 0 ]; then
        result="ok (no crash, leak or hang)"
    else
        failed=1
        kind=$(grep -m1 -o 'ERROR: [A-Za-z]*: [a-z -]*[a-z]\|Fatal error.*\|check failed.*' "$log" || true)
        result="FAILED (exit $status: ${kind:-see log}); input: $(ls -t "$artifacts" 2>/dev/null | head -1 | sed "s|^|$artifacts|")"
    fi
    summary+=("$(printf '%-9s %12s executions  %s' "$target" "${runs:-?}" "$result")")
done

echo
echo "vigil: fuzz results, ${FUZZ_SECONDS}s per target, $(date -u +%Y-%m-%dT%H:%MZ)"
printf '  %s\n' "${summary[@]}"
exit "$failed"
