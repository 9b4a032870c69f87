# HMN — the two commands that matter: `make run` and `make test`.
# Both install what they need on a fresh Debian machine (as root) first.

SWIFT ?= swift
APT_PACKAGES := libsodium-dev libsqlite3-dev pkg-config

.PHONY: deps build run test bench clean

# Installs the system libraries only when something is missing.
deps:
	@missing=""; \
	for pkg in $(APT_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	fi

build: deps
	$(SWIFT) build

run: deps
	$(SWIFT) build --product hmn
	$(SWIFT) run hmn demo --dir ./.hmn-demo

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

bench: deps
	$(SWIFT) run -c release hmn-bench ledger

# Long consensus-simulator campaign (random fault seeds), outside `make test`.
SEEDS ?= 10000
.PHONY: simulate-campaign
simulate-campaign: deps
	$(SWIFT) run -c release hmn-bench consensus --seeds $(SEEDS)

clean:
	rm -rf .build .hmn-demo
