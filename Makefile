# Vigil — build, test, run, benchmark, install.
SWIFT        ?= swift
PREFIX       ?= /usr/local
CONFIG_DIR   ?= /etc/vigil
UNIT_DIR     ?= /etc/systemd/system
BUILD_FLAGS  ?=
# -function-sections: one section per function, so the link can put the hot ones together (bench/hot-functions.order)
RELEASE_FLAGS = -c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections

.PHONY: all build release release-flags test demo run check bench install uninstall clean deps

all: build

## Debian packages the build needs (run once on a new machine; .ci/run does it for CI).
deps:
	apt-get update -qq && apt-get install -y -qq libwebsockets-dev libcurl4-openssl-dev libssl-dev pkg-config openssl

build:
	$(SWIFT) build $(BUILD_FLAGS)

release:
	$(SWIFT) build $(RELEASE_FLAGS) --product vigil

## The release flags, for bench/run.sh and bench/order-functions.sh (one place to change them).
release-flags:
	@echo $(RELEASE_FLAGS)

## All tests: unit tests and integration tests against the bundled Slack simulator (loopback only).
test:
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

## The scripted demo day against the bundled Slack simulator; needs no tokens.
demo:
	$(SWIFT) run $(BUILD_FLAGS) vigil demo

## The worker itself; reads SLACK_APP_TOKEN / SLACK_BOT_TOKEN (see README).
run:
	$(SWIFT) run $(BUILD_FLAGS) vigil run

check:
	$(SWIFT) run $(BUILD_FLAGS) vigil check

bench: release
	bench/run.sh

install: release
	install -D -m 0755 "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/vigil" "$(DESTDIR)$(PREFIX)/bin/vigil"
	install -D -m 0644 deploy/vigil.service "$(DESTDIR)$(UNIT_DIR)/vigil.service"
	@if [ ! -e "$(DESTDIR)$(CONFIG_DIR)/vigil.yaml" ]; then \
		install -D -m 0644 deploy/vigil.example.yaml "$(DESTDIR)$(CONFIG_DIR)/vigil.yaml"; \
	else echo "kept existing $(CONFIG_DIR)/vigil.yaml"; fi
	@echo "installed; put tokens in $(CONFIG_DIR)/credentials/ and run: systemctl daemon-reload && systemctl enable --now vigil"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/vigil" "$(DESTDIR)$(UNIT_DIR)/vigil.service"

clean:
	rm -rf .build
