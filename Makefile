# opal-ras: the one non-recursive Makefile.
#
# Every folder describes itself in a small fragment, <folder>/module.mk, included
# below; the rules here are generic:
#   <mod>/*.c              -> $(B)/lib<mod>.a   (modules: common errlog eeh dump vpd flash
#                                                opal-prd sim cli; a folder's main files
#                                                are excluded, see MAINS_<mod>)
#   cli/opal-*.c           -> $(B)/bin/opal-*   (one main per command)
#   tests/unit/<mod>/*.c   -> $(B)/tests/unit-<mod> (Criterion)
#   tests/fuzz/fuzz_*.c    -> $(B)/fuzz/fuzz_*  (libFuzzer, clang)
#   bench/bench_*.c        -> $(B)/bench/bench_*
# `make check` = deps, a normal build + all tests, then the unit and integration
# tests again built with AddressSanitizer + UBSan (SAN=1, output in build/asan).

PREFIX  ?= /usr/local
DESTDIR ?=
SAN     ?= 0
ifeq ($(SAN),1)
B       ?= build/asan
else
B       ?= build
endif
CC      ?= gcc
FUZZ_CC ?= clang
FUZZ_TIME ?= 20

# Debian packages the build, the tests and the demo need (make deps installs them).
DEB_PKGS := gcc make pkg-config clang libsqlite3-dev sqlite3 libyaml-dev libpci-dev pci.ids \
	libjansson-dev libssl-dev libsystemd-dev libudev-dev libzstd-dev libcriterion-dev \
	libopenipmi-dev openipmi ipmitool qemu-system-ppc socat xz-utils util-linux
# pkg-config modules linked into the binaries.
PKGS := sqlite3 yaml-0.1 libpci jansson libcrypto libsystemd libudev libzstd OpenIPMI OpenIPMIposix

MODULES := common errlog eeh dump vpd flash opal-prd sim cli
SHARED_DATA := $(abspath $(CURDIR)/../shared/data)

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wformat=2 -Wvla -Wno-format-truncation
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARN) -I. -D_GNU_SOURCE -DOPAL_RAS_VERSION=\"0.1\" \
	-DSHARED_DATA_DIR=\"$(SHARED_DATA)\" -DOPAL_RAS_SRCDIR=\"$(CURDIR)\" \
	$(PKG_CFLAGS) $(CFLAGS) -MMD -MP
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ifeq ($(SAN),1)
ALL_CFLAGS += $(SAN_FLAGS)
LDFLAGS += $(SAN_FLAGS)
endif
LDLIBS := -Wl,--as-needed $(PKG_LIBS) -lpthread -lm

.DEFAULT_GOAL := all
.PHONY: all deps check check-run unit unit-bins integration fuzz-regress fuzz fuzz-bins bench \
	demo install clean format stress

# ---- generic rules ---------------------------------------------------------------
$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# lib_template(mod): the module archive from every .c in the folder but its mains.
define lib_template
SRCS_$(1) := $$(filter-out $$(MAINS_$(1)),$$(wildcard $(1)/*.c))
OBJS_$(1) := $$(SRCS_$(1):%.c=$(B)/obj/%.o)
$(B)/lib$(1).a: $$(OBJS_$(1))
	@mkdir -p $$(@D)
	rm -f $$@
	$$(if $$^,ar rcs $$@ $$^,ar rcs $$@)
ALL_OBJS += $$(OBJS_$(1))
endef

# Every binary links the module archives as one group (so order is free); only the
# simulator, the tests and the benchmarks get libsim.a, never the product binaries.
LIB_ARCHIVES = $(foreach m,$(MODULES),$(B)/lib$(m).a)
PRODUCT_ARCHIVES = $(filter-out $(B)/libsim.a,$(LIB_ARCHIVES))
LINK_LIBS = -Wl,--start-group $(LIB_ARCHIVES) -Wl,--end-group $(LDLIBS)
LINK_PRODUCT_LIBS = -Wl,--start-group $(PRODUCT_ARCHIVES) -Wl,--end-group $(LDLIBS)

# bin_template(path-to-main.c, binary-name): a product binary (no libsim.a) unless
# the name is opal-sim.
define bin_template
$(B)/bin/$(2): $(B)/obj/$(1:.c=.o) $$(LIB_ARCHIVES)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$< $$(if $$(filter opal-sim,$(2)),$$(LINK_LIBS),$$(LINK_PRODUCT_LIBS))
BINS += $(B)/bin/$(2)
ALL_OBJS += $(B)/obj/$(1:.c=.o)
endef

MAINS_cli := $(wildcard cli/opal-*.c)
-include $(wildcard */module.mk)

$(foreach m,$(MODULES),$(eval $(call lib_template,$(m))))
$(foreach c,$(MAINS_cli),$(eval $(call bin_template,$(c),$(notdir $(c:.c=)))))

# ---- unit tests (Criterion): one runner per module --------------------------------
UNIT_MODS := $(patsubst tests/unit/%/,%,$(sort $(dir $(wildcard tests/unit/*/*.c))))
define unit_template
UNIT_OBJS_$(1) := $$(patsubst %.c,$(B)/obj/%.o,$$(wildcard tests/unit/$(1)/*.c))
$(B)/tests/unit-$(1): $$(UNIT_OBJS_$(1)) $$(LIB_ARCHIVES)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$(UNIT_OBJS_$(1)) $$(LINK_LIBS) -lcriterion
UNIT_BINS += $(B)/tests/unit-$(1)
ALL_OBJS += $$(UNIT_OBJS_$(1))
endef
$(foreach m,$(UNIT_MODS),$(eval $(call unit_template,$(m))))

# ---- benchmarks -------------------------------------------------------------------
BENCH_SRCS := $(wildcard bench/bench_*.c)
define bench_template
$(B)/bench/$(2): $(B)/obj/$(1:.c=.o) $$(LIB_ARCHIVES)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$< $$(LINK_LIBS)
BENCH_BINS += $(B)/bench/$(2)
ALL_OBJS += $(B)/obj/$(1:.c=.o)
endef
$(foreach c,$(BENCH_SRCS),$(eval $(call bench_template,$(c),$(notdir $(c:.c=)))))

# ---- fuzz targets (clang libFuzzer; product sources compiled once more by clang, -------
# ---- instrumented, into one archive every target links) ------------------------------
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_B := build/fuzz
FUZZ_CFLAGS := -std=gnu11 -g -O1 -I. -D_GNU_SOURCE -DOPAL_RAS_VERSION=\"0.1\" \
	-DSHARED_DATA_DIR=\"$(SHARED_DATA)\" -DOPAL_RAS_SRCDIR=\"$(CURDIR)\" $(PKG_CFLAGS) \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_LIB_SRCS := $(foreach m,$(filter-out cli opal-prd sim,$(MODULES)),$(SRCS_$(m)))
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_B)/obj/%.o)
$(FUZZ_B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_B)/libfuzzlib.a: $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^
$(FUZZ_B)/%: tests/fuzz/%.c $(FUZZ_B)/libfuzzlib.a
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_B)/libfuzzlib.a $(LDLIBS)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(FUZZ_B)/%,$(FUZZ_SRCS))

# ---- top-level targets --------------------------------------------------------------
all: $(BINS)

deps:
	@DEB_PKGS="$(DEB_PKGS)" sh tests/tools/install-deps.sh

unit: $(UNIT_BINS)
	@sh tests/tools/run-unit.sh $(UNIT_BINS)

integration: $(BINS)
	@OPAL_RAS_BIN=$(abspath $(B)/bin) SHARED_DATA=$(SHARED_DATA) SAN=$(SAN) \
		sh tests/tools/run-integration.sh

# The seed and malformed corpora through every fuzz target once (no fuzzing).
fuzz-regress: $(FUZZ_BINS)
	@sh tests/tools/run-fuzz.sh regress $(FUZZ_BINS)

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-bins
	@FUZZ_TIME=$(FUZZ_TIME) sh tests/tools/run-fuzz.sh fuzz $(FUZZ_BINS)
fuzz-bins: $(FUZZ_BINS)

check: deps
	@$(MAKE) --no-print-directory check-run

# Everything in one plain process: normal build + unit + integration + fuzz corpora,
# then the sanitizer build of the unit and integration tests.
check-run:
	@sh tests/tools/tally.sh reset
	@$(MAKE) --no-print-directory -j2 all unit-bins fuzz-bins
	@$(MAKE) --no-print-directory unit integration fuzz-regress
	@$(MAKE) --no-print-directory -j2 SAN=1 all unit-bins
	@$(MAKE) --no-print-directory SAN=1 unit integration
	@sh tests/tools/tally.sh total

unit-bins: $(UNIT_BINS)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS)
	@sh tests/tools/run-bench.sh $(BENCH_BINS)

demo: deps
	@$(MAKE) --no-print-directory all
	@OPAL_RAS_BIN=$(abspath $(B)/bin) SHARED_DATA=$(SHARED_DATA) sh tests/tools/demo.sh

stress: deps
	@$(MAKE) --no-print-directory all
	@OPAL_RAS_BIN=$(abspath $(B)/bin) STRESS=1 SHARED_DATA=$(SHARED_DATA) \
		sh tests/tools/run-integration.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin \
		$(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)/etc/opal-ras
	for b in $(BINS); do case $$(basename $$b) in \
		opal-prd|opal-sim) ;; *) install -m 0755 $$b $(DESTDIR)$(PREFIX)/bin/ ;; esac; done
	if [ -f $(B)/bin/opal-prd ]; then install -m 0755 $(B)/bin/opal-prd $(DESTDIR)$(PREFIX)/sbin/; fi
	for m in $(wildcard docs/man/*.8); do install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man8/; done
	for m in $(wildcard docs/man/*.1); do install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/; done
	for f in $(wildcard etc/*.yaml); do install -m 0644 $$f $(DESTDIR)/etc/opal-ras/; done
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|' etc/opal-prd.service \
		>$(DESTDIR)$(PREFIX)/lib/systemd/system/opal-prd.service
	if [ -d etc/hooks ]; then install -d $(DESTDIR)/etc/opal-ras/hooks; \
		for f in etc/hooks/*; do install -m 0755 $$f $(DESTDIR)/etc/opal-ras/hooks/; done; fi

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

-include $(ALL_OBJS:.o=.d)
