#!/usr/bin/env bash
# Writes bench/hot-functions.order: the functions a running `vigil` executes, for the release link (Package.swift
# passes it to lld as --symbol-ordering-file, which puts them together at the start of .text). The release build
# runs under valgrind's callgrind, driven by `vigil-bench hold` against the bundled simulator (127.0.0.1 only):
# start, two Socket Mode connections, 2,000 envelopes acked, 40 alerts investigated and answered in their threads,
# a few idle seconds, SIGTERM. Every function callgrind saw is listed once, in the order it first saw them.
#
# Needs: valgrind (apt-get install valgrind), binutils. About 3 minutes. Re-run after large changes: names that no
# longer exist are ignored by the link, and functions missing from the list still work (they stay among the cold).
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT="${SWIFT:-swift}"
read -ra RELEASE_FLAGS <<< "$(make -s --no-print-directory release-flags)"
command -v valgrind >/dev/null || { echo "order-functions: needs valgrind (apt-get install valgrind)" >&2; exit 1; }

"$SWIFT" build "${RELEASE_FLAGS[@]}" --product vigil
"$SWIFT" build "${RELEASE_FLAGS[@]}" --product vigil-bench
BIN="$("$SWIFT" build "${RELEASE_FLAGS[@]}" --show-bin-path)"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# valgrind 3.19 cannot read the toolchain's DWARF 5: profile a copy without debug info (the symbols are the same).
objcopy --strip-debug "$BIN/vigil" "$WORK/vigil"
cat > "$WORK/vigil-under-callgrind" <<WRAPPER
#!/bin/sh
exec valgrind --tool=callgrind --demangle=no --dump-instr=no --callgrind-out-file="$WORK/callgrind.%p" \
    "$WORK/vigil" "\$@" 2>>"$WORK/valgrind.log"
WRAPPER
chmod +x "$WORK/vigil-under-callgrind"

echo "== profiling vigil under callgrind (start, 2,000 envelopes, 40 alerts, idle, SIGTERM)"
timeout --kill-after=10 600 "$BIN/vigil-bench" hold --vigil "$WORK/vigil-under-callgrind" \
    --envelopes 2000 --alerts 40 --seconds 5

# "fn=(id) name" / "cfn=(id) name" name a function the first time; "0x…" are code without a symbol; "'2" marks a
# recursion level.
sed -n -E 's/^c?fn=\([0-9]+\) (.+)$/\1/p' "$WORK"/callgrind.* | grep -v '^0x' | sed -E "s/'[0-9]+$//" \
    | awk '!seen[$0]++' > "$WORK/hot.order"
count="$(wc -l < "$WORK/hot.order")"
[ "$count" -gt 1000 ] || { echo "order-functions: only $count functions seen; valgrind log:" >&2; tail "$WORK/valgrind.log" >&2; exit 1; }
mv "$WORK/hot.order" bench/hot-functions.order
echo "== wrote bench/hot-functions.order ($count functions); rebuild with: make release"
