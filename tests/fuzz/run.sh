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
# make fuzz: run each fuzz target for a while, one after the other, and
# tell how many inputs each ran.
#
# run.sh FUZZOBJ SECONDS TARGET...
#
# The corpus each target grows is kept in FUZZOBJ/corpus/TARGET, seeded
# from tests/fuzz/corpus/TARGET; an input that breaks a target is kept
# in FUZZOBJ/crash/.  Exit status 1 when any target broke.

set -u
obj=$1
secs=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)

# The daemons' logs are closed (-close_fd_mask); reports still come out.
export ASAN_OPTIONS="quarantine_size_mb=16:max_malloc_fill_size=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

mkdir -p "$obj/crash"
status=0
summary=
for t in "$@"; do
	mkdir -p "$obj/corpus/$t"
	log=$obj/$t.log
	echo "fuzz: $t for ${secs}s"
	"$obj/bin/$t" -max_total_time="$secs" -close_fd_mask=3 \
	    -print_final_stats=1 -max_len=16384 \
	    -artifact_prefix="$obj/crash/$t-" \
	    "$obj/corpus/$t" "$top/tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	if [ "$rc" = 0 ]; then
		result="no crash"
	else
		result="BROKEN (see $log)"
		status=1
		grep -E 'property broken|ERROR:|SUMMARY:|Test unit written' \
		    "$log" | head -n 5
	fi
	line=$(printf '%-18s %12s runs %8s exec/s  %s' "$t" "${runs:-?}" \
	    "${rate:-?}" "$result")
	echo "$line"
	summary="$summary$line
"
done
printf '\nfuzz: %ss each\n%s' "$secs" "$summary"
exit $status
