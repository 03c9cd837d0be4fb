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
# make bench-xen's own parts that need no real Xen: the table and the
# plot from a console's XENBENCH lines (tools/realxen/bench-xen-report.sh)
# and xenmemtime's refusal of bad arguments.

BINDIR=@BINDIR@
TOP=@TOP@

atf_test_case report
report_head()
{
	atf_set descr "min/median/max per guest and transition, stalls named"
}
report_body()
{
	cat >log <<'EOL'
XENBENCH linux up
XENBENCH linux 1 1024-128 XENTRACE 0 262160
XENBENCH linux 1 1024-128 XENTRACE 900 100000
XENBENCH linux 1 1024-128 XENTIME stalled 3000 55808
XENBENCH linux 2 1024-128 XENTIME stalled 2500 55808
XENBENCH linux 3 1024-128 XENTIME reached 4000 32784
XENBENCH ours 1 1024-512 XENTRACE 0 262161
XENBENCH ours 1 1024-512 XENTRACE 300 131089
XENBENCH ours 1 1024-512 XENTIME reached 300 131089
XENBENCH ours 2 1024-512 XENTIME reached 500 131089
XENBENCH ours 3 1024-512 XENTIME reached 100 131089
EOL
	atf_check -o save:table -e ignore \
	    sh "$TOP/tools/realxen/bench-xen-report.sh" log out
	atf_check -o match:'^linux +1024-128 +3 +2\.50 +3\.00 +4\.00  run 1 stalled at 218 MiB run 2 stalled at 218 MiB$' \
	    cat table
	atf_check -o match:'^ours +1024-512 +3 +0\.10 +0\.30 +0\.50  -$' \
	    cat table
	atf_check -o inline:"0 1024.06\n900 390.62\n" \
	    cat out/trace-linux-1024-128.dat
	if command -v gnuplot >/dev/null 2>&1; then
		atf_check -o match:'<svg' head -n 5 out/bench-xen.svg
	fi
}

atf_test_case report_empty
report_empty_head()
{
	atf_set descr "a console without timings: an error, no table"
}
report_empty_body()
{
	echo "XENBENCH linux fail: not up in 180 s" >log
	atf_check -s exit:1 -e match:"no timings in log" \
	    sh "$TOP/tools/realxen/bench-xen-report.sh" log out
	atf_check -s exit:1 test -e out/table.txt
}

atf_test_case xenmemtime_usage
xenmemtime_usage_head()
{
	atf_set descr "xenmemtime refuses bad arguments before touching Xen"
}
xenmemtime_usage_body()
{
	atf_check -s exit:2 -e match:"usage: xenmemtime NAME DOMID MIB" \
	    "$BINDIR/xenmemtime" g 1
	atf_check -s exit:2 -e match:"1x: not a domain id" \
	    "$BINDIR/xenmemtime" g 1x 512
	atf_check -s exit:2 -e match:"0: not a size in MiB" \
	    "$BINDIR/xenmemtime" g 1 0
	atf_check -s exit:2 -e match:"12ab: not a size in MiB" \
	    "$BINDIR/xenmemtime" g 1 12ab
}

atf_init_test_cases()
{
	atf_add_test_case report
	atf_add_test_case report_empty
	atf_add_test_case xenmemtime_usage
}
