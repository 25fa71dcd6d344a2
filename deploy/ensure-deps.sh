#!/bin/sh
# Makes sure this machine can build (and, with --tests, test) Vigil before anything compiles: the Debian packages
# the build links against, and a Swift toolchain. Missing packages are installed with apt-get (through sudo when not
# root); when that cannot work it stops at once with one line naming the packages and the command to run.
#
#   deploy/ensure-deps.sh            packages for building: libwebsockets-dev libcurl4-openssl-dev libssl-dev pkg-config
#   deploy/ensure-deps.sh --tests    and the tools the tests run: systemd (systemd-analyze), openssl
#
# Environment: SWIFT (the toolchain's driver, default swift), as the Makefile passes it.
set -eu

BUILD_PACKAGES="libwebsockets-dev libcurl4-openssl-dev libssl-dev pkg-config"
TEST_PACKAGES="systemd openssl"
SWIFT="${SWIFT:-swift}"
MIN_SWIFT="6.2"

packages="$BUILD_PACKAGES"
case "${1:-}" in
    --tests) packages="$BUILD_PACKAGES $TEST_PACKAGES" ;;
    "") ;;
    *) echo "usage: $0 [--tests]" >&2; exit 2 ;;
esac

fail() {
    echo "vigil: $*" >&2
    exit 1
}

# Whether a package is present: dpkg's record on Debian/Ubuntu, else what the package provides.
installed() {
    if command -v dpkg-query >/dev/null 2>&1; then
        [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
        return
    fi
    case "$1" in
        pkg-config) command -v pkg-config >/dev/null 2>&1 ;;
        libwebsockets-dev) pkg-config --exists libwebsockets 2>/dev/null ;;
        libcurl4-openssl-dev) pkg-config --exists libcurl 2>/dev/null ;;
        libssl-dev) pkg-config --exists openssl 2>/dev/null ;;
        systemd) command -v systemd-analyze >/dev/null 2>&1 ;;
        openssl) command -v openssl >/dev/null 2>&1 ;;
        *) return 1 ;;
    esac
}

missing_packages() {
    result=""
    for package in $packages; do
        installed "$package" || result="$result $package"
    done
    echo "${result# }"
}

missing="$(missing_packages)"
if [ -n "$missing" ]; then
    command="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing"
    if ! command -v apt-get >/dev/null 2>&1; then
        fail "missing $missing and there is no apt-get here; install the equivalent packages with your package manager, or on Debian/Ubuntu run: sudo sh -c '$command'"
    fi
    if [ "$(id -u)" -eq 0 ]; then
        sudo=""
    elif command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
        sudo="sudo"
    else
        fail "missing $missing (not root, no usable sudo); as root run: $command"
    fi
    echo "vigil: installing missing Debian packages: $missing" >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        || fail "apt-get update failed; fix the package sources, then run: sudo sh -c '$command'"
    # shellcheck disable=SC2086 # one word per package
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null \
        || fail "installing $missing failed; run: sudo sh -c '$command'"
    still="$(missing_packages)"
    [ -z "$still" ] || fail "still missing after apt-get: $still; install them by hand, then run make again"
fi

# A Swift toolchain new enough for Package.swift (swift-tools-version 6.2).
if ! command -v "$SWIFT" >/dev/null 2>&1; then
    fail "no Swift toolchain: '$SWIFT' is not on PATH; install Swift $MIN_SWIFT or newer (https://www.swift.org/install/linux/, e.g. with swiftly) and run make again"
fi
version="$("$SWIFT" --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | head -n 1)"
if [ -n "$version" ]; then
    lowest="$(printf '%s\n%s\n' "$MIN_SWIFT" "$version" | sort -t. -k1,1n -k2,2n | head -n 1)"
    [ "$lowest" = "$MIN_SWIFT" ] \
        || fail "Swift $version is too old: Vigil needs Swift $MIN_SWIFT or newer (https://www.swift.org/install/linux/)"
fi
