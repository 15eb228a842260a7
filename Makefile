# pbr-settle - see README.md.  `make demo` and `make check` are the two
# commands; everything else is here for developers.

VERSION   := 0.1.0
CC        ?= cc
BUILD     ?= build
PREFIX    ?= /usr/local
OPT       ?= -O2
PKGS      := libpq libxml-2.0 libxslt libexslt xmlsec1-openssl libcrypto

WARN      := -Wall -Wextra -Werror
CSTD      := -std=c11 -D_GNU_SOURCE
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS    ?= $(OPT) -g
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -Iengine $(PKG_CFLAGS) -DPBR_VERSION='"$(VERSION)"' -MMD -MP
SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

ENGINE_SRC := $(sort $(wildcard engine/*.c))
ENGINE_OBJ := $(ENGINE_SRC:engine/%.c=$(BUILD)/obj/%.o)
# The pure modules the unit tests link (no libpq, no XML).
PURE_SRC   := engine/core.c engine/parse.c engine/copytext.c engine/monitor.c engine/csv.c engine/fee.c
# What the unit tests link: the pure modules, and the atomic-write path
# (tested on real files in a temporary directory) with util.c's messages,
# the progress line and the draft-tariff reader.
UNIT_LINK  := $(PURE_SRC) engine/util.c engine/outfile.c engine/progress.c engine/tariff_file.c
UNIT_SRC   := $(sort $(wildcard tests/unit/*.c))

.PHONY: all deps check unit unit-asan integration integration-asan clang demo install clean lint faults \
	opt-levels opt-levels-quick

all: $(BUILD)/pbr-settle

deps:
	@scripts/ensure-deps.sh

$(BUILD)/obj/%.o: engine/%.c | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/pbr-settle: $(ENGINE_OBJ)
	$(CC) $(CFLAGS) -o $@ $(ENGINE_OBJ) $(PKG_LIBS) -lpthread

$(BUILD)/obj:
	mkdir -p $@

# The same program with crash points compiled in (engine/faults.h), for the
# fault-injection tests only.
FAULT_OBJ := $(ENGINE_SRC:engine/%.c=$(BUILD)/faults/obj/%.o)
$(BUILD)/faults/obj/%.o: engine/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DPBR_FAULTS -c $< -o $@

$(BUILD)/faults/pbr-settle: $(FAULT_OBJ)
	$(CC) $(CFLAGS) -o $@ $(FAULT_OBJ) $(PKG_LIBS) -lpthread

# The allocation-failure shim (tests/oom/failmalloc.c), preloaded by
# tests/integration/560_alloc_failures.sh; plain flags: a sanitizer
# replaces malloc.
$(BUILD)/failmalloc.so: tests/oom/failmalloc.c
	@mkdir -p $(BUILD)
	$(CC) $(CSTD) $(WARN) -O2 -g -fPIC -shared $< -o $@ -ldl

faults: $(BUILD)/faults/pbr-settle $(BUILD)/failmalloc.so

$(BUILD)/unit_tests: $(UNIT_SRC) $(UNIT_LINK) $(wildcard engine/*.h tests/unit/*.h)
	@mkdir -p $(BUILD)
	$(CC) $(CSTD) $(WARN) -g -O1 -Iengine $(UNIT_SRC) $(UNIT_LINK) -lcunit -o $@

$(BUILD)/unit_tests_asan: $(UNIT_SRC) $(UNIT_LINK) $(wildcard engine/*.h tests/unit/*.h)
	@mkdir -p $(BUILD)
	$(CC) $(CSTD) $(WARN) -g -O1 $(SAN) -Iengine $(UNIT_SRC) $(UNIT_LINK) -lcunit -o $@

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

unit-asan: $(BUILD)/unit_tests_asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $(BUILD)/unit_tests_asan

integration: $(BUILD)/pbr-settle $(BUILD)/faults/pbr-settle
	tests/integration/run.sh $(BUILD)

# The whole suite again with the engine built under ASan + UBSan (fewer
# random kills there: each one costs a sanitized process start).
integration-asan:
	$(MAKE) BUILD=$(BUILD)/asan CFLAGS="-O1 -g $(SAN)" all faults
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 PBR_KILLS=25 \
		tests/integration/run.sh $(BUILD)/asan

# Both compilers must build it clean.
clang:
	$(MAKE) BUILD=$(BUILD)/clang CC=clang all

# Clean at every optimisation level of both compilers (flow analysis, and so
# -Werror, differs per level): the program and its fault build, each level
# in $(BUILD)/opt/CC-LEVEL.  make check runs the quick pair, gcc -O0 -O3.
OPT_CCS    ?= gcc clang
OPT_LEVELS ?= -O0 -O1 -O2 -O3 -Os -Oz -Og -Ofast
opt-levels:
	@for cc in $(OPT_CCS); do for o in $(OPT_LEVELS); do \
		echo "opt-levels: $$cc $$o"; \
		$(MAKE) -s --no-print-directory BUILD=$(BUILD)/opt/$$cc$$o CC=$$cc CFLAGS="$$o -g" all faults || exit 1; \
	done; done; echo "opt-levels: clean at $(OPT_LEVELS) with $(OPT_CCS)"

opt-levels-quick:
	$(MAKE) opt-levels OPT_CCS=gcc OPT_LEVELS="-O0 -O3"

check:
	@PBR_WITH_BROWSER=1 scripts/ensure-deps.sh
	$(MAKE) all faults unit unit-asan fuzz-smoke
	$(MAKE) clang opt-levels-quick lint
	$(MAKE) integration
	$(MAKE) memcheck
	$(MAKE) integration-asan

demo: deps
	$(MAKE) all
	scripts/demo.sh $(BUILD)

install: $(BUILD)/pbr-settle
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/pbr-settle/schemas \
		$(DESTDIR)$(PREFIX)/share/pbr-settle/reports $(DESTDIR)$(PREFIX)/share/pbr-settle/migrations
	install -m 755 $(BUILD)/pbr-settle $(DESTDIR)$(PREFIX)/bin/pbr-settle
	install -m 644 schemas/*.xsd $(DESTDIR)$(PREFIX)/share/pbr-settle/schemas/
	install -m 644 reports/*.xsl $(DESTDIR)$(PREFIX)/share/pbr-settle/reports/
	install -m 644 migrations/*.sql $(DESTDIR)$(PREFIX)/share/pbr-settle/migrations/

clean:
	rm -rf $(BUILD)/obj $(BUILD)/pbr-settle $(BUILD)/unit_tests $(BUILD)/unit_tests_asan \
		$(BUILD)/failmalloc.so

-include $(ENGINE_OBJ:.o=.d) $(FAULT_OBJ:.o=.d)

# ---- analysis, fuzzing, memory and speed ----------------------------------

TIDY_CHECKS := -*,clang-analyzer-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-bugprone-narrowing-conversions,-bugprone-implicit-widening-of-multiplication-result,-bugprone-assignment-in-if-condition,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,-clang-analyzer-valist.Uninitialized

.PHONY: fuzz fuzz-smoke memcheck bench tidy cppcheck coverage print-unit-link

# cppcheck and clang-tidy must be clean; shellcheck for the scripts.
lint: cppcheck tidy
	shellcheck -S warning -x scripts/*.sh tests/*.sh tests/integration/*.sh tests/fuzz/run.sh .ci/run

cppcheck:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c11 --inline-suppr -Iengine engine/

# "clean" only when clang-tidy ran, exited 0 and found nothing.
tidy:
	@command -v clang-tidy >/dev/null 2>&1 || { echo "tidy: clang-tidy is not installed (make deps)" >&2; exit 2; }
	@mkdir -p $(BUILD)
	@clang-tidy --quiet -checks='$(TIDY_CHECKS)' engine/*.c -- $(CSTD) -Iengine $(PKG_CFLAGS) \
		>$(BUILD)/tidy.out 2>$(BUILD)/tidy.err; rc=$$?; \
	out=$$(grep -E 'warning:|error:' $(BUILD)/tidy.out); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; \
	if [ $$rc -ne 0 ]; then echo "tidy: clang-tidy failed (exit $$rc):" >&2; cat $(BUILD)/tidy.err >&2; exit 1; fi; \
	echo "clang-tidy: clean"

FUZZ_SECONDS ?= 60
fuzz:
	BUILD=$(BUILD) tests/fuzz/run.sh $(FUZZ_SECONDS)

fuzz-smoke:
	BUILD=$(BUILD) tests/fuzz/run.sh -runs=20000

# Line and branch coverage per engine file over the unit and integration
# suites (gcc --coverage, gcovr), in $(BUILD)/cov; not in make check (it
# runs the whole integration suite again).
coverage:
	scripts/coverage.sh $(BUILD)/cov

# The sources the unit tests link, for scripts/coverage.sh.
print-unit-link:
	@echo $(UNIT_LINK)

memcheck: $(BUILD)/pbr-settle
	scripts/memcheck.sh $(BUILD)

bench:
	$(MAKE) OPT=-O2 all
	scripts/bench.sh $(BUILD)
