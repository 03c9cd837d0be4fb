#	Makefile: build, test, fuzz, bench, demo, lint, clean.
#
# Every public target first makes sure the Debian packages are installed
# (tools/deps.sh), then builds into obj/.  Components add themselves with a
# module.mk fragment in their own directory.

OBJ		:= $(CURDIR)/obj
BINDIR		:= $(OBJ)/bin
LIBDIR		:= $(OBJ)/lib

CC		:= cc
CFLAGS		?= -O2 -g
WARNS		:= -Wall -Wextra -Werror
# make SANITIZE=address,undefined test   (or SANITIZE=thread)
SANITIZE	?=
SANFLAGS	:= $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-omit-frame-pointer)
XENIFACE	:= -D__XEN_INTERFACE_VERSION__=__XEN_LATEST_INTERFACE_VERSION__

# Userland and the host side of the bench: libc is fine here.
UCFLAGS		= $(CFLAGS) $(WARNS) $(SANFLAGS) -std=gnu11 $(XENIFACE) \
		  -D_GNU_SOURCE -MMD -MP
LDFLAGS		+= $(SANFLAGS)

# Kernel code: no libc, only our sys/ headers and the Xen public headers,
# laid out as in NetBSD (<xen/include/public/...>), with NetBSD's kernel
# warning flags (sys/conf/Makefile.kern.inc), so that what would not
# build in a NetBSD kernel does not build here.
KINC		:= $(OBJ)/kinc
GCCINC		:= $(shell $(CC) -print-file-name=include)
KWARNS		:= $(WARNS) -Wno-unused-parameter -Wpointer-arith \
		   -Wmissing-prototypes -Wstrict-prototypes -Wold-style-definition \
		   -Wshadow -Wcast-qual -Wwrite-strings -Wswitch
KCFLAGS_COMMON	= $(CFLAGS) $(KWARNS) $(SANFLAGS) -std=gnu11 $(XENIFACE) \
		  -ffreestanding -nostdinc -isystem $(GCCINC) \
		  -D_KERNEL -D_KERNEL_OPT -DSYSCTL_INCLUDE_DESCR -MMD -MP
# The bench's kernel configuration (opt_*.h, locators.h) is sys/rump/include.
KCFLAGS		= $(KCFLAGS_COMMON) -I$(KINC) \
		  -I$(CURDIR)/sys/rump/librump/include -I$(CURDIR)/sys/rump/include

LIBXENSIM	:= $(LIBDIR)/libxensim.a
LIBRUMPSYSCTL	:= $(LIBDIR)/librumpsysctl.a

MODULES		:= lib/libxensim lib/librumpsysctl usr.sbin/xensimd usr.sbin/xensimctl \
		   usr.sbin/rump.sysctl \
		   sys sys/rump sys/arch/xen/pvh usr.sbin/balloonctl usr.sbin/balloond tests \
		   tests/fuzz tools/realxen

PROGS		:=
LIBS		:=
TESTPROGS	:=
INSTALLS	:=

# make install: PREFIX and DESTDIR as users expect; the systemd unit goes
# where Debian keeps packaged units unless SYSTEMDDIR says otherwise.
PREFIX		?= /usr/local
DESTDIR		?=
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
SYSTEMDDIR	?= /lib/systemd/system

# The real-Xen harness boots Xen and a Debian dom0 under QEMU.
XENDEPS		:= qemu-system-x86 xen-utils-4.17 xenstore-utils cpio

.PHONY: all build san-build test check test-xen lint bench demo clean \
		install deps deps-xen conformance bench-xen
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory build

deps:
	@sh tools/deps.sh

deps-xen:
	@sh tools/deps.sh $(XENDEPS)

include $(wildcard $(addsuffix /module.mk,$(MODULES)))

build: $(LIBS) $(PROGS) $(TESTPROGS)

install: $(INSTALLS)

# make test also builds with ASan+UBSan into $(SANOBJ) and runs these
# there first; the last line counts both runs.
SANOBJ		:= $(OBJ)-san
SANTESTS	:= usr.sbin/xensimd/t_xs_wire usr.sbin/xensimd/t_hv_wire \
		   usr.sbin/balloonctl/t_size lib/librumpsysctl/t_rumpsysctl \
		   sys/arch/xen/t_balloon_maxpages \
		   lib/librumpuser/t_xenmap_queue

# And with TSan into $(TSANOBJ), the race test (20 s of racing, not the
# main run's 60, to keep make test under 10 minutes) and the guest's
# mapping thread: the bench's threads are host pthreads, so a data race
# in the driver or the bench kernel shows (tools/tsan.supp lists the
# known ones).
TSANOBJ		:= $(OBJ)-tsan
TSANTESTS	:= sys/arch/xen/t_balloon_race sys/rump/t_xenmap \
		   lib/librumpuser/t_xenmap_queue

# Only what the tests of the sanitizer pass need, and their Kyuafile.san.
san-build: $(BINDIR)/xensimd $(BINDIR)/xensimctl $(BINDIR)/rumpxen \
	   $(filter $(OBJ)/tests/lib/% $(SANTESTS:%=$(OBJ)/tests/%), \
	   $(TESTPROGS))
	@sh tools/san-kyuafile.sh $(OBJ)/tests $(SANTESTS)

# Kernel-style objects: $(OBJ)/k/<path>.o
$(OBJ)/k/%.o: %.c $(KINC)/.stamp
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -c $< -o $@

# Userland objects: $(OBJ)/u/<path>.o
$(OBJ)/u/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) $(CPPFLAGS) -c $< -o $@

# <xen/...> for kernel code as NetBSD lays it out: our NetBSD-named
# headers from sys/arch/xen/include, and Debian's Xen public headers
# under <xen/include/public/...>.
$(KINC)/.stamp: $(wildcard sys/arch/xen/include/*.h)
	@rm -rf $(KINC) && mkdir -p $(KINC)/xen/include
	@ln -s /usr/include/xen $(KINC)/xen/include/public
	@for h in $(CURDIR)/sys/arch/xen/include/*.h; do \
		[ -e "$$h" ] && ln -sf "$$h" $(KINC)/xen/; done; true
	@touch $@

test check: deps deps-xen
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory -j2 fuzz-build
	@$(MAKE) --no-print-directory -j2 OBJ=$(SANOBJ) \
	    SANITIZE=address,undefined san-build
	@sh tools/kyua-run.sh -c $(SANOBJ)/counts $(SANOBJ) \
	    --kyuafile=Kyuafile.san
	@$(MAKE) --no-print-directory -j2 OBJ=$(TSANOBJ) SANITIZE=thread \
	    SANTESTS="$(TSANTESTS)" san-build
	@sh tools/kyua-run.sh -c $(TSANOBJ)/counts \
	    -v test_suites.xenballoon.race_seconds=20 $(TSANOBJ) \
	    --kyuafile=Kyuafile.san
	@sh tools/kyua-run.sh -x -a $(SANOBJ)/counts -a $(TSANOBJ)/counts $(OBJ)

# Only the real-Xen scenarios (tests/sys/arch/xen/t_realxen).
test-xen: deps deps-xen
	@$(MAKE) --no-print-directory build
	@sh tools/kyua-run.sh $(OBJ) sys/arch/xen/t_realxen

# The XENMEM sequence on the real Xen (the last make test-xen's boot, or
# a new one) and in a bench guest, side by side.
conformance: deps deps-xen
	@$(MAKE) --no-print-directory build
	@grep -q '^XENCONFORM ' $(OBJ)/realxen/console.log 2>/dev/null || \
	    sh tools/realxen/run.sh $(OBJ)
	@sh tools/realxen/conform.sh $(OBJ)

# A Debian Linux PVH guest and ours on one real Xen boot: xl mem-set
# timed from dom0, a table and an SVG plot in obj/bench-xen.
bench-xen: deps deps-xen
	@sh tools/deps.sh gnuplot-nox
	@$(MAKE) --no-print-directory build
	@sh tools/realxen/bench-xen.sh $(OBJ)

lint: deps
	@sh tools/manlint.sh

# make bench's plot and CPU counts.
BENCHDEPS	:= gnuplot-nox linux-perf

bench: deps
	@sh tools/deps.sh $(BENCHDEPS)
	@$(MAKE) --no-print-directory -j2 $(BINDIR)/xensimd $(BINDIR)/rumpxen \
	    $(BINDIR)/balloond $(BENCHPROG)
	@sh tests/bench/run.sh $(OBJ)

demo: deps
	@$(MAKE) --no-print-directory build
	@sh tools/demo.sh $(OBJ)

clean:
	rm -rf $(OBJ) $(SANOBJ) $(TSANOBJ)

-include $(shell find $(OBJ) -name '*.d' -type f 2>/dev/null)
