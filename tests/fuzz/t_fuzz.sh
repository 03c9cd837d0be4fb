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
# The fuzz targets (tests/fuzz), a short smoke of each: every seed of
# the tree's corpus, then new inputs for two seconds.  A crash, a
# sanitizer report or a broken property fails the case; `make fuzz'
# runs them for longer.

FUZZBIN=@OBJ@/fuzz/bin
SEEDS=@OBJ@/fuzz/seeds

# smoke TARGET: run it, keep its output, fail on anything it found.
smoke()
{
	local t=$1
	[ -x "$FUZZBIN/$t" ] || atf_fail "$FUZZBIN/$t not built (make fuzz-build)"
	mkdir corpus
	if ! ASAN_OPTIONS="quarantine_size_mb=16:max_malloc_fill_size=0" \
	    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
	    "$FUZZBIN/$t" -max_total_time=2 -close_fd_mask=3 \
	    -max_len=16384 -print_final_stats=1 -artifact_prefix="$(pwd)/" \
	    corpus "$SEEDS/$t" >log 2>&1; then
		grep -E 'property broken|ERROR:|SUMMARY:' log | head -n 5
		atf_fail "$t found a crash or a broken property"
	fi
	grep -q '^stat::number_of_executed_units: *[1-9]' log ||
	    atf_fail "$t ran no input"
}

atf_test_case xs_wire
xs_wire_head()
{
	atf_set "descr" "xensimd's xs_wire requests keep their properties"
}
xs_wire_body()
{
	smoke fuzz_xs_wire
}

atf_test_case hv_wire
hv_wire_head()
{
	atf_set "descr" "xensimd's hypercall packets keep every frame counted"
}
hv_wire_body()
{
	smoke fuzz_hv_wire
}

atf_test_case target
target_head()
{
	atf_set "descr" "balloon.c takes only valid memory/target values"
}
target_body()
{
	smoke fuzz_target
}

atf_test_case sysctl_sp
sysctl_sp_head()
{
	atf_set "descr" "the guest's sysctl server answers any client safely"
}
sysctl_sp_body()
{
	smoke fuzz_sysctl_sp
}

atf_test_case rumpsysctl
rumpsysctl_head()
{
	atf_set "descr" "librumpsysctl believes only possible replies"
}
rumpsysctl_body()
{
	smoke fuzz_rumpsysctl
}

atf_test_case size
size_head()
{
	atf_set "descr" "balloonctl's size parser keeps to its contract"
}
size_body()
{
	smoke fuzz_size
}

atf_init_test_cases()
{
	atf_add_test_case xs_wire
	atf_add_test_case hv_wire
	atf_add_test_case target
	atf_add_test_case sysctl_sp
	atf_add_test_case rumpsysctl
	atf_add_test_case size
}
