# HMN — the two commands that matter: `make run` and `make test`.
# Both install what they need on a fresh Debian machine (as root) first.

SWIFT ?= swift
APT_PACKAGES := libsodium-dev libsqlite3-dev pkg-config

.PHONY: deps build run demo test bench clean

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

# A 4-validator devnet in ./devnet (created on first use, reused after; FRESH=1 starts a new chain):
# 4 node processes on loopback, sample transfers and memories, a live status line per node.
# Ctrl-C stops every node cleanly.
DEVNET_FLAGS := $(if $(FRESH),--fresh,)
run: deps
	$(SWIFT) build --product hmn
	$$($(SWIFT) build --show-bin-path)/hmn devnet --validators 4 --dir ./devnet $(DEVNET_FLAGS)

# The Layer-1 ledger on its own: create a chain in ./.hmn-demo, apply signed blocks, reopen, verify.
demo: deps
	$(SWIFT) build --product hmn
	$$($(SWIFT) build --show-bin-path)/hmn demo --dir ./.hmn-demo

# Three processes, one after the other. The long synchronous suites (simulator, consensus, workbench,
# mesh) run CPU-bound test functions that each hold a thread of the cooperative pool, which has only
# two threads on two cores; in the same process the real-time suites (nodes, transport, HTTP), whose
# checks wait against the wall clock, then starve and miss their time limits (a 10 s wait failed in
# CI this way). So the synchronous suites run first, then the real-time suites, then the
# multi-process devnet tests, so that no in-process suite competes with the four node processes.
# Then the Milvus backend against a real Milvus (PyPI's milvus 2.3.5, started and stopped by
# Scripts/milvus-test.sh; a server that does not start fails the run). Last, the Python client
# (Clients/python): the wire-format vectors, then a real node over HTTP.
SYNCHRONOUS_SUITES = HMNSimulatorTests|HMNConsensusTests|HMNWorkbenchTests|HMNMeshTests
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter '$(SYNCHRONOUS_SUITES)'
	$(SWIFT) test --skip-build --skip HMNDevnetTests --skip HMNMilvusTests --skip '$(SYNCHRONOUS_SUITES)'
	$(SWIFT) test --skip-build --filter HMNDevnetTests
	SWIFT=$(SWIFT) Scripts/milvus-test.sh
	HMN_BIN=$$($(SWIFT) build --show-bin-path)/hmn Clients/python/run-tests.sh

bench: deps
	$(SWIFT) run -c release hmn-bench ledger

# Long consensus-simulator campaign (random fault seeds), outside `make test`.
SEEDS ?= 10000
.PHONY: simulate-campaign
simulate-campaign: deps
	$(SWIFT) run -c release hmn-bench consensus --seeds $(SEEDS)

# Fault campaigns on real node processes (Docs/FAULT_CAMPAIGNS.md): 4 then 7 validators under
# load, kill -9, SIGSTOP/SIGCONT, restarts and (as root) netns partitions, then the agreement checks.
CAMPAIGN_SECONDS ?= 120
CAMPAIGN_SEED ?= 1
.PHONY: fault-campaign
fault-campaign: deps
	Scripts/fault-campaign.sh $(CAMPAIGN_SECONDS) $(CAMPAIGN_SEED) 4 7

# The night-long campaign: 100,000 seeds sharded over every core; failing seeds are listed
# with the command that replays them.
NIGHT_SEEDS ?= 100000
.PHONY: simulate-night
simulate-night: deps
	Scripts/simulate-campaign.sh $(NIGHT_SEEDS) $$(nproc)

# libFuzzer on every external decoder (Docs/FUZZING.md). FUZZ_SECONDS per target; crashing inputs
# land in Fuzz/Findings/<target>/ — move them to Fuzz/Regressions/<target>/ once fixed.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := transaction block vote commitCertificate evidence consensusMessage walRecord memoryRecord \
	memoryProof coherenceState transportFrames handshake nodeMessage gossipMessage \
	gossipSession apiTransaction apiMemory apiSearch
FUZZ_BIN := Fuzz/.build/debug/hmn-fuzz
.PHONY: fuzz fuzz-build fuzz-corpus tsan asan
fuzz-build: deps
	$(SWIFT) build --package-path Fuzz --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address

fuzz-corpus: fuzz-build
	HMN_FUZZ_WRITE_CORPUS=Fuzz/Corpus $(FUZZ_BIN)

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p Fuzz/Findings/$$t /tmp/hmn-fuzz-corpus/$$t; \
		echo "== $$t ($(FUZZ_SECONDS) s)"; \
		dict=""; case $$t in api*) dict="-dict=Fuzz/Dictionaries/api-json.dict";; esac; \
		HMN_FUZZ_TARGET=$$t $(FUZZ_BIN) /tmp/hmn-fuzz-corpus/$$t Fuzz/Corpus/$$t $$dict \
			-max_total_time=$(FUZZ_SECONDS) -max_len=65536 -artifact_prefix=Fuzz/Findings/$$t/ \
			-print_final_stats=1 2>&1 | grep -E "^(stat::number_of_executed_units|stat::new_units_added|==[0-9]+==ERROR|SUMMARY)" ; \
	done; \
	found=$$(find Fuzz/Findings -type f | wc -l); echo "findings: $$found"; test $$found -eq 0

# The test suite under ThreadSanitizer and AddressSanitizer (separate build folders).
# ThreadSanitizer over the in-process suites; the suppressions name a toolchain false positive only.
# Two runs, split as in `make test`: under TSan's slowdown the synchronous suites hold the pool for
# minutes.
tsan: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS=suppressions=$(CURDIR)/Scripts/tsan-suppressions.txt \
	$(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan --filter '$(SYNCHRONOUS_SUITES)'
	TSAN_OPTIONS=suppressions=$(CURDIR)/Scripts/tsan-suppressions.txt HMN_TEST_TIME_SCALE=10 \
	$(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan \
		--skip HMNDevnetTests --skip '$(SYNCHRONOUS_SUITES)'

# AddressSanitizer over the in-process suites (the process tests run the debug binaries under `make test`).
# The suppression files name toolchain false positives and toolchain-held memory only (see their comments).
asan: deps
	ASAN_OPTIONS=suppressions=$(CURDIR)/Scripts/asan-suppressions.txt \
	LSAN_OPTIONS=suppressions=$(CURDIR)/Scripts/lsan-suppressions.txt HMN_TEST_TIME_SCALE=3 \
	$(SWIFT) test --sanitize=address --scratch-path .build-asan --skip HMNDevnetTests

clean:
	rm -rf .build .build-tsan .build-asan Fuzz/.build .hmn-demo devnet
