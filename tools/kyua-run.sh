#!/bin/sh
#
# kyua-run.sh OBJ [TEST...]: run the ATF suite (or the named test
# programs) under kyua from the built test tree and end with the
# one-line summary "N passed, M failed".  Exit status is kyua's.
#
set -u
obj=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$obj/tests" || exit 1
# Sanitizer builds: report every error, ignore leaks in libraries not ours.
export LSAN_OPTIONS="suppressions=$top/tools/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
rm -f "$obj/kyua.db"
# The real-Xen run is made once per suite run, by its first test case.
rm -f "$obj/realxen/console.log" "$obj/realxen/skip"
kyua test --results-file="$obj/kyua.db" "$@" >"$obj/kyua.log" 2>&1
rc=$?
cat "$obj/kyua.log"
if [ "$rc" != 0 ]; then
	kyua report --results-file="$obj/kyua.db" --verbose \
	    --results-filter=broken,failed 2>&1 | tail -n 200
fi
# kyua ends with "P/T passed (F failed)".
sed -n 's,^\([0-9]*\)/\([0-9]*\) passed (\([0-9]*\) failed).*,\1 \2 \3,p' \
    "$obj/kyua.log" | tail -n 1 | {
	read -r passed total failed || { echo "0 passed, 1 failed"; exit 1; }
	echo "$passed passed, $((total - passed)) failed"
}
exit "$rc"
