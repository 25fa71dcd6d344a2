#!/usr/bin/env bash
# Writes bench/hot-functions.order: the functions a running `vigil` executes, for the release link (Package.swift
# passes it to lld as --symbol-ordering-file, which puts them together at the start of .text). The release build
# runs under valgrind's callgrind, driven by `vigil-bench hold` against the bundled simulator (127.0.0.1 only) with
# deploy/vigil.example.yaml as its --config, as the systemd unit starts it: start, two Socket Mode connections,
# 2,000 envelopes acked, 40 alerts investigated and answered in their threads, a few idle seconds, SIGTERM. Every
# function callgrind saw is listed once, in the order it first saw them, those compiled into a section of their own
# before those sharing one.
#
# Needs: valgrind (apt-get install valgrind), binutils, python3. About 3 minutes. Re-run after large changes: names
# that no longer exist are ignored by the link, and functions missing from the list still work (they stay among the
# cold). Build from a clean release folder after changing RELEASE_FLAGS: SwiftPM does not recompile the dependencies
# for a changed -Xswiftc flag, so they would keep objects without function sections.
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT="${SWIFT:-swift}"
read -ra RELEASE_FLAGS <<< "$(make -s --no-print-directory release-flags)"
command -v valgrind >/dev/null || { echo "order-functions: needs valgrind (apt-get install valgrind)" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# The link map says which functions sit in a shared input section (objects built without function sections, such
# as the toolchain's prebuilt stdlib and Foundation): lld can only move such a section whole.
"$SWIFT" build "${RELEASE_FLAGS[@]}" -Xlinker -Map="$WORK/vigil.map" --product vigil
"$SWIFT" build "${RELEASE_FLAGS[@]}" --product vigil-bench
BIN="$("$SWIFT" build "${RELEASE_FLAGS[@]}" --show-bin-path)"
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
    | awk '!seen[$0]++' > "$WORK/seen.order"

# Functions with a section of their own first, then those in shared sections (16 KiB and more): a shared section
# among the hot functions would push them apart by its whole size, while only a few of its pages are touched.
python3 - "$WORK/vigil.map" "$WORK/seen.order" > "$WORK/hot.order" <<'PY'
import re, sys
in_text, shared_section, shared = False, False, set()
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"\s*[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+ ( *)(\S.*)$", line)
    if not m:
        continue
    size, depth, name = int(m.group(1), 16), len(m.group(2)), m.group(3)
    if depth == 0:
        in_text = name == ".text"
    elif in_text and depth == 8:
        shared_section = name.endswith(":(.text)") and size >= 16384
    elif in_text and depth == 16 and shared_section:
        shared.add(name)
seen = [line.rstrip("\n") for line in open(sys.argv[2])]
print("\n".join([f for f in seen if f not in shared] + [f for f in seen if f in shared]))
PY
count="$(wc -l < "$WORK/hot.order")"
[ "$count" -gt 1000 ] || { echo "order-functions: only $count functions seen; valgrind log:" >&2; tail "$WORK/valgrind.log" >&2; exit 1; }
mv "$WORK/hot.order" bench/hot-functions.order
echo "== wrote bench/hot-functions.order ($count functions); rebuild with: make release"
