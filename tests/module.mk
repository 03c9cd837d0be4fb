# tests/: the ATF tree is rebuilt under $(OBJ)/tests, mirroring tests/.
#   Kyuafile        copied
#   t_foo.sh        installed as t_foo, @BINDIR@/@TESTLIB@ substituted
#   t_foo.c         compiled to t_foo against atf-c and our libraries
#   lib/*.subr      shell helpers shared by the shell tests

TEST_KYUAFILES	:= $(shell find tests -name Kyuafile)
TEST_SH		:= $(shell find tests -name 't_*.sh')
TEST_C		:= $(shell find tests -name 't_*.c')
TEST_SUBR	:= $(wildcard tests/lib/*.subr)

TESTPROGS	+= $(TEST_KYUAFILES:%=$(OBJ)/%) \
		   $(TEST_SH:%.sh=$(OBJ)/%) \
		   $(TEST_C:%.c=$(OBJ)/%) \
		   $(TEST_SUBR:%=$(OBJ)/%)

TEST_SUBST	= sed -e 's,@BINDIR@,$(BINDIR),g' \
		      -e 's,@TESTLIB@,$(OBJ)/tests/lib,g' \
		      -e 's,@OBJ@,$(OBJ),g'

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

$(OBJ)/tests/%: tests/%.c $(LIBXENSIM) $(LIBRUMPSYSCTL)
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -I$(CURDIR)/lib/libxensim -I$(CURDIR)/lib/librumpsysctl \
	    -I$(CURDIR)/sys/arch/xen/include \
	    -DBINDIR='"$(BINDIR)"' -DTESTLIB='"$(OBJ)/tests/lib"' \
	    $< -o $@ $(LDFLAGS) $(LIBXENSIM) $(LIBRUMPSYSCTL) -latf-c -lxenstore
