# listd - the only build file. Targets: all test check-asan demo lint clean deps.
# Objects go in $(BUILD); SANITIZE=address,undefined switches on sanitizers.

BUILD    ?= build
SANITIZE ?=
PKGS     := sqlite3 gmime-3.0 libesmtp-1.0 libxml-2.0 libmicrohttpd nettle
# Headers only: libmariadb and libldap/liblber are loaded with dlopen on
# first use (core/dynlib.c, generator/*_api.c), never linked, so commands
# without a MySQL or LDAP source start without them.
DLOPEN_PKGS := libmariadb
CC       ?= gcc
PYTEST   := /usr/bin/python3 -m pytest

CFLAGS_BASE := -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror \
	-Wshadow -Wformat=2 -Wno-format-truncation -O2 -g -I. -DLISTD_TEST_BUILD
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) $(DLOPEN_PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ifneq ($(SANITIZE),)
  CFLAGS_BASE += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDFLAGS     += -fsanitize=$(SANITIZE)
endif
CFLAGS  += $(CFLAGS_BASE) $(PKG_CFLAGS) -MMD -MP
LDLIBS  += $(PKG_LIBS) -lcrypt -lpthread -lm

CORE_SRC      := $(wildcard core/*.c)
GENERATOR_SRC := $(wildcard generator/*.c)
ARCHIVE_SRC   := $(wildcard archive/*.c)
WEB_SRC       := $(wildcard web/*.c)
LISTD_MAIN    := listd/main.c
LISTCTL_MAIN  := listd/listctl.c
DAEMON_SRC    := $(filter-out listd/listctl.c listd/ctl_%.c listd/main.c,$(wildcard listd/*.c))
CTL_SRC       := $(wildcard listd/ctl_*.c)

LIB_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(CORE_SRC) $(GENERATOR_SRC) $(ARCHIVE_SRC) $(WEB_SRC) $(DAEMON_SRC))
LIB      := $(BUILD)/liblistd.a
LISTD    := $(BUILD)/bin/listd
LISTCTL  := $(BUILD)/bin/listctl

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all test unit e2e check-asan demo lint clean deps bench

all: deps-check $(LISTD) $(LISTCTL)

deps-check:
	@scripts/deps.sh --build

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LISTD): $(BUILD)/$(LISTD_MAIN:.c=.o) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LISTCTL): $(BUILD)/$(LISTCTL_MAIN:.c=.o) $(patsubst %.c,$(BUILD)/%.o,$(CTL_SRC)) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka

# The test run: cmocka unit tests, then pytest end-to-end tests against the
# real binaries, then one summary line CI can read.
test:
	@scripts/deps.sh --test
	@$(MAKE) --no-print-directory all $(UNIT_BIN)
	@scripts/run-tests.sh $(BUILD)

unit: all $(UNIT_BIN)
	@scripts/run-tests.sh $(BUILD) unit

e2e: all
	@scripts/run-tests.sh $(BUILD) e2e

check-asan:
	@scripts/deps.sh --test
	@$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=address,undefined all \
		$(patsubst $(BUILD)/%,build-asan/%,$(UNIT_BIN))
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp \
		scripts/run-tests.sh build-asan

demo:
	@scripts/deps.sh --demo
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(BUILD)

lint:
	@scripts/lint.sh

bench: all
	@scripts/deps.sh --bench
	@bench/run-all.sh

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# make install [PREFIX=/usr/local] [DESTDIR=]: binaries, man pages, the
# systemd units and an example configuration (never over an existing one).
PREFIX  ?= /usr/local
UNITDIR ?= /lib/systemd/system
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(PREFIX)/share/doc/listd
	install -m 0755 $(LISTD) $(LISTCTL) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 doc/listd.8 doc/listctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	for u in contrib/*.service contrib/*.timer; do \
		sed 's|/usr/bin/|$(PREFIX)/bin/|g' $$u > $(DESTDIR)$(UNITDIR)/$$(basename $$u); \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$(basename $$u); done
	install -m 0644 contrib/listd.conf contrib/exim-router.conf \
		$(DESTDIR)$(PREFIX)/share/doc/listd/
.PHONY: install
