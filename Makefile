# Vigil — build, test, run, benchmark, install.
SWIFT        ?= swift
PREFIX       ?= /usr/local
CONFIG_DIR   ?= /etc/vigil
UNIT_DIR     ?= /etc/systemd/system
# deploy/vigil.service's Documentation= points here (file:///usr/local/share/doc/vigil/…)
DOC_DIR      ?= $(PREFIX)/share/doc/vigil
DOCS          = README.md docs/alert-formats.md docs/architecture.md docs/configuration.md docs/operations.md docs/performance.md docs/security.md
BUILD_FLAGS  ?=
# -function-sections: one section per function, so the link can put the hot ones together (bench/hot-functions.order)
RELEASE_FLAGS = -c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections

.PHONY: all build release release-flags test fuzz demo run check bench install install-docs uninstall clean deps test-deps

all: build

## Before anything compiles: the Debian packages the build needs (libwebsockets-dev libcurl4-openssl-dev libssl-dev
## pkg-config), installed with apt-get when missing (sudo when not root), and a Swift 6.2+ toolchain. When they
## cannot be installed it stops with one line naming the packages and the command to run.
deps:
	@SWIFT="$(SWIFT)" deploy/ensure-deps.sh

## deps, plus what the tests run: systemd-analyze (package systemd) and openssl.
test-deps:
	@SWIFT="$(SWIFT)" deploy/ensure-deps.sh --tests

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

release: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product vigil

## The release flags, for bench/run.sh and bench/order-functions.sh (one place to change them).
release-flags:
	@echo $(RELEASE_FLAGS)

## All tests: unit tests and integration tests against the bundled Slack simulator (loopback only).
test: test-deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

## libFuzzer over the decoders of untrusted input (envelope scanner, mrkdwn, alert parsers, configuration) and the
## shim's message reassembly, FUZZ_SECONDS (default 300) per target; its own build in .build-fuzz, never linked into
## vigil. Prints executions and result per target; fails on a crash, a leak or a hang (docs/security.md, Fuzzing).
fuzz: deps
	SWIFT="$(SWIFT)" Tests/Fuzz/fuzz.sh

## The scripted demo day against the bundled Slack simulator; needs no tokens.
demo: deps
	$(SWIFT) run $(BUILD_FLAGS) vigil-demo

## The worker itself; reads SLACK_APP_TOKEN / SLACK_BOT_TOKEN (see README).
run: deps
	$(SWIFT) run $(BUILD_FLAGS) vigil run

check: deps
	$(SWIFT) run $(BUILD_FLAGS) vigil check

bench: release
	bench/run.sh

install: release install-docs
	install -D -m 0755 "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/vigil" "$(DESTDIR)$(PREFIX)/bin/vigil"
	install -D -m 0644 deploy/vigil.service "$(DESTDIR)$(UNIT_DIR)/vigil.service"
	@if [ ! -e "$(DESTDIR)$(CONFIG_DIR)/vigil.yaml" ]; then \
		install -D -m 0644 deploy/vigil.example.yaml "$(DESTDIR)$(CONFIG_DIR)/vigil.yaml"; \
	else echo "kept existing $(CONFIG_DIR)/vigil.yaml"; fi
	@echo "installed; put tokens in $(CONFIG_DIR)/credentials/ and run: systemctl daemon-reload && systemctl enable --now vigil"

## The documentation the unit's Documentation= names (systemctl help vigil), flat in $(DOC_DIR).
install-docs:
	install -d -m 0755 "$(DESTDIR)$(DOC_DIR)"
	install -m 0644 $(DOCS) "$(DESTDIR)$(DOC_DIR)/"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/vigil" "$(DESTDIR)$(UNIT_DIR)/vigil.service"
	rm -f $(addprefix "$(DESTDIR)$(DOC_DIR)/,$(addsuffix ",$(notdir $(DOCS))))
	rmdir "$(DESTDIR)$(DOC_DIR)" 2>/dev/null || true

clean:
	rm -rf .build .build-fuzz
