#!/usr/bin/env bash
# `make bench`: Vigil against a slack-bolt reference worker and an ack-only floor, on the bundled Slack simulator
# (127.0.0.1 only). Writes docs/performance.md and prints the table. Extra arguments go to `vigil-bench run`
# (e.g. bench/run.sh --runs 3 --heavy-runs 1).
#
# Needs: the Swift toolchain, python3 (with venv), cc, pkg-config, libwebsockets-dev and libcurl4-openssl-dev; PyPI
# for the first run.
# Time: about 18 minutes on 2 cores; the whole run is cut off after 25 minutes (timeout kills the process group,
# workers included).
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT="${SWIFT:-swift}"
read -ra RELEASE_FLAGS <<< "$(make -s --no-print-directory release-flags)"
BOLT_VERSION=1.30.0
SDK_VERSION=3.47.0
VENV=bench/.venv

echo "== building vigil and vigil-bench (release)"
"$SWIFT" build "${RELEASE_FLAGS[@]}" --product vigil
"$SWIFT" build "${RELEASE_FLAGS[@]}" --product vigil-bench
BIN="$(realpath --relative-to=. "$("$SWIFT" build "${RELEASE_FLAGS[@]}" --show-bin-path)")"

echo "== compiling the ack floor"
# shellcheck disable=SC2046  # pkg-config output is meant to split into flags
cc -O2 -Wall bench/ack_floor.c $(pkg-config --cflags --libs libwebsockets libcurl) -o "$BIN/ack-floor"

echo "== Python reference worker: slack-bolt $BOLT_VERSION, slack-sdk $SDK_VERSION in $VENV"
if ! "$VENV/bin/python" -c "import slack_bolt.version as b, slack_sdk.version as s, sys; \
sys.exit(0 if (b.__version__, s.__version__) == ('$BOLT_VERSION', '$SDK_VERSION') else 1)" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "slack-bolt==$BOLT_VERSION" "slack-sdk==$SDK_VERSION"
fi

echo "== running the scenarios (progress on stderr)"
status=0
timeout --kill-after=30 1500 "$BIN/vigil-bench" run \
    --vigil "$BIN/vigil" \
    --bolt "$VENV/bin/python bench/bolt_worker.py" \
    --floor "$BIN/ack-floor" \
    --out docs/performance.md \
    --reproduce "make bench" \
    "$@" || status=$?

if [ -f docs/performance.md ]; then
    echo "== Web API client: Vigil's SlackWebAPI and Python's slack_sdk.WebClient"
    timeout --kill-after=10 600 "$BIN/vigil-bench" webapi \
        --python "$VENV/bin/python" --script bench/webapi_python.py \
        --append-to docs/performance.md || status=$?
fi
exit "$status"
