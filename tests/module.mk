# tests/: the ATF tree is rebuilt under $(OBJ)/tests, mirroring tests/.
#   Kyuafile        copied
#   t_foo.sh        installed as t_foo, @BINDIR@/@TESTLIB@ substituted
#   t_foo.c         compiled to t_foo against atf-c and our libraries
#   lib/*.subr      shell helpers shared by the shell tests
#   lib/xensim_test.c  C helpers shared by the C tests (libxensimtest.a)

TEST_KYUAFILES	:= $(shell find tests -name Kyuafile)
TEST_SH		:= $(shell find tests -name 't_*.sh')
TEST_C		:= $(shell find tests -name 't_*.c')
TEST_SUBR	:= $(wildcard tests/lib/*.subr)

TESTPROGS	+= $(TEST_KYUAFILES:%=$(OBJ)/%) \
		   $(TEST_SH:%.sh=$(OBJ)/%) \
		   $(TEST_C:%.c=$(OBJ)/%) \
		   $(TEST_SUBR:%=$(OBJ)/%)

LIBXENSIMTEST	:= $(OBJ)/tests/lib/libxensimtest.a
TEST_CFLAGS	= $(UCFLAGS) -I$(CURDIR)/tests/lib -I$(CURDIR)/lib/libxensim \
		  -I$(CURDIR)/lib/librumpsysctl -I$(CURDIR)/sys/arch/xen/include \
		  -DBINDIR='"$(BINDIR)"' -DTESTLIB='"$(OBJ)/tests/lib"'

TEST_SUBST	= sed -e 's,@BINDIR@,$(BINDIR),g' \
		      -e 's,@TESTLIB@,$(OBJ)/tests/lib,g' \
		      -e 's,@OBJ@,$(OBJ),g' \
		      -e 's,@TOP@,$(CURDIR),g'

$(OBJ)/tests/%/Kyuafile: tests/%/Kyuafile
	@mkdir -p $(@D)
	cp $< $@

$(OBJ)/tests/Kyuafile: tests/Kyuafile
	@mkdir -p $(@D)
	cp $< $@

$(OBJ)/tests/lib/%.subr: tests/lib/%.subr
	@mkdir -p $(@D)
	$(TEST_SUBST) $< >$@

$(OBJ)/tests/%: tests/%.sh
	@mkdir -p $(@D)
	(echo '#! /usr/bin/atf-sh'; $(TEST_SUBST) $<) >$@
	chmod 755 $@

$(OBJ)/tests/lib/xensim_test.o: tests/lib/xensim_test.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

$(LIBXENSIMTEST): $(OBJ)/tests/lib/xensim_test.o
	rm -f $@
	$(AR) rcs $@ $^

$(OBJ)/tests/%: tests/%.c $(LIBXENSIMTEST) $(LIBXENSIM) $(LIBRUMPSYSCTL)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $< -o $@ $(LDFLAGS) $(LIBXENSIMTEST) \
	    $(LIBXENSIM) $(LIBRUMPSYSCTL) -latf-c -lxenstore

# make bench's programs (tests/bench): built with the rest, run by make bench.
BENCHPROG	:= $(OBJ)/bench/balloon_bench $(OBJ)/bench/balloond_bench
TESTPROGS	+= $(BENCHPROG)

$(OBJ)/bench/%: tests/bench/%.c tests/bench/bench_sim.c \
		tests/bench/bench_sim.h $(LIBXENSIM) $(LIBRUMPSYSCTL)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $< tests/bench/bench_sim.c -o $@ $(LDFLAGS) \
	    $(LIBXENSIM) $(LIBRUMPSYSCTL) -lxenstore
