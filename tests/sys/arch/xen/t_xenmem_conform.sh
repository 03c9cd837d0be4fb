#	$NetBSD$
#
# Copyright (c) 2026 The xenballoon project.
# All rights reserved.
#
# Redistribution and use in source and binary forms, with or without
# modification, are permitted provided that the following conditions
# are met:
# 1. Redistributions of source code must retain the above copyright
#    notice, this list of conditions and the following disclaimer.
# 2. Redistributions in binary form must reproduce the above copyright
#    notice, this list of conditions and the following disclaimer in the
#    documentation and/or other materials provided with the distribution.
#
# THIS SOFTWARE IS PROVIDED BY THE AUTHORS AND CONTRIBUTORS ``AS IS'' AND
# ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
# IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
# ARE DISCLAIMED.  IN NO EVENT SHALL THE AUTHORS OR CONTRIBUTORS BE LIABLE
# FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
# DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS
# OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
# HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
# LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY
# OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF
# SUCH DAMAGE.
#
# The XENMEM conformance sequence (debug.xenmem_conform) in a bench
# guest, against the answers a real Xen gave (xenmem_conform.xen,
# recorded by tools/realxen): every difference is one xensimd(8)
# explains under CAVEATS.  t_realxen compares with a fresh real run.

OBJ=@OBJ@
TOP=@TOP@
. @TESTLIB@/xensim.subr

atf_test_case recorded
recorded_head()
{
	atf_set descr "xensimd answers the XENMEM sequence as the recorded" \
	    "real Xen did, at maxmem and populate-on-demand, but for the" \
	    "differences its CAVEATS explain"
	atf_set timeout 120
}
recorded_body()
{
	sh "$TOP/tools/realxen/conform.sh" "$OBJ" \
	    "$TOP/tests/sys/arch/xen/xenmem_conform.xen" >table 2>err
	rc=$?
	cat table err
	[ $rc = 0 ] || atf_fail "$(grep DIFFERENT table | head -n 1)$(cat err)"
	# Every step ran on both sides, in both guests, and the quirks are
	# Xen's.
	atf_check_equal "$(wc -l <table)" 54
	atf_check_equal "$(grep -c ' same$' table)" 48
	atf_check -o match:'^dec9_part +0 -10 ' cat table
	atf_check -o match:'^pop0_again +1 1 ' cat table
	atf_check -o match:'^dec0_badmid +2 -2 ' cat table
	atf_check -o match:'^pop10 +0 0 ' cat table
	# The same 17 pages beyond RAM: the same start and room below max.
	atf_check -o match:'^start +0 32785 33024 +0 32785 33024 +same$' \
	    cat table
	atf_check -o match:'^pop0_max +238 238 33024 +238 238 33024 +same$' \
	    cat table
	# Populate-on-demand: the same answers, the same 17 pages.
	atf_check -o match:'^populate-on-demand: memory 128 MiB, maxmem 256 MiB$' \
	    cat table
	atf_check_equal "$(sed -n '/^populate-on-demand/,$p' table |
	    grep -Ec '^start +0 32785 33024 +0 32785 33024 +same$')" 1
}

atf_test_case bad_value cleanup
bad_value_head()
{
	atf_set descr "debug.xenmem_conform takes 1 only: EINVAL, nothing runs"
	atf_set timeout 60
}
bad_value_body()
{
	xensim_start
	d=$(xensimctl create name=g memory=64 type=pvh toolstack=libxl \
	    kernel="$BINDIR/rumpxen") || atf_fail "cannot create a guest"
	export RUMP_SERVER=unix://$XENSIM_DIR/domains/$d/sysctl
	for v in 0 2 -1; do
		atf_check -s not-exit:0 -o ignore -e match:"Invalid argument" \
		    rump.sysctl -w debug.xenmem_conform=$v
	done
	atf_check -o inline:"debug.xenmem_conform = 0\n" \
	    rump.sysctl debug.xenmem_conform
	atf_check -s exit:1 grep -q xenmem_conform \
	    "$XENSIM_DIR/domains/$d/console.log"
	atf_check -o ignore rump.sysctl -w debug.xenmem_conform=1
	atf_check -o inline:"debug.xenmem_conform = 1\n" \
	    rump.sysctl debug.xenmem_conform
	atf_check -o match:"^xenmem_conform end 0 " \
	    grep xenmem_conform "$XENSIM_DIR/domains/$d/console.log"
}
bad_value_cleanup()
{
	xensim_stop
}

atf_init_test_cases()
{
	atf_add_test_case recorded
	atf_add_test_case bad_value
}
