#!/bin/sh
#
# kyua-run.sh [-c FILE | -a FILE] OBJ [ARG...]: run the ATF suite under
# kyua from the built test tree (ARG: test programs to run, or kyua test
# options such as --kyuafile=) and end with the one-line summary
# "N passed, M failed".  Exit status is kyua's.
#
#   -c FILE	keep this run's counts and status in FILE instead of
#		printing the summary, and exit 0 (an earlier pass)
#   -a FILE	add the counts kept in FILE to the summary; fail if that
#		pass failed (given once per earlier pass)
#   -v K=V	a kyua configuration variable (kyua -v K=V)
#   -x		start the real-Xen run (tools/realxen/once.sh) now, in the
#		background, so that its QEMU boot overlaps the rest of the
#		suite; t_realxen's cases wait for its end
#
set -u
keep= add= vars= xen=
while :; do
	case ${1:-} in
	-c)	keep=$2; shift 2 ;;
	-a)	add="$add $2"; shift 2 ;;
	-v)	vars="$vars -v $2"; shift 2 ;;
	-x)	xen=1; shift ;;
	*)	break ;;
	esac
done
obj=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$obj/tests" || exit 1
# Sanitizer builds: report every error, ignore leaks in libraries not ours.
export LSAN_OPTIONS="suppressions=$top/tools/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# TSan: the first race reported ends the process (a guest dies, its test
# fails), but for the known ones.
export TSAN_OPTIONS="halt_on_error=1:suppressions=$top/tools/tsan.supp"
rm -f "$obj/kyua.db"
# The real-Xen run is made once per suite run, by its first test case.
rm -f "$obj/realxen/console.log" "$obj/realxen/skip" "$obj/realxen/run.err" \
    "$obj/realxen/run.err.new" "$obj/realxen/started"
xenpid=
if [ -n "$xen" ]; then
	mkdir -p "$obj/realxen"
	: >"$obj/realxen/started"
	sh "$top/tools/realxen/once.sh" "$obj" >/dev/null 2>&1 &
	xenpid=$!
fi
kyua $vars test --results-file="$obj/kyua.db" "$@" >"$obj/kyua.log" 2>&1
rc=$?
[ -z "$xenpid" ] || wait "$xenpid"
rm -f "$obj/realxen/started"
cat "$obj/kyua.log"
if [ "$rc" != 0 ]; then
	kyua report --results-file="$obj/kyua.db" --verbose \
	    --results-filter=broken,failed 2>&1 | tail -n 200
fi
# kyua ends with "P/T passed (F failed)".
counts=$(sed -n 's,^\([0-9]*\)/\([0-9]*\) passed (\([0-9]*\) failed).*,\1 \2,p' \
    "$obj/kyua.log" | tail -n 1)
set -- $counts
passed=${1:-0}
failed=$(( ${2:-1} - passed ))
[ -n "$counts" ] || rc=1
if [ -n "$keep" ]; then
	echo "$passed $failed $rc" >"$keep"
	exit 0
fi
for a in $add; do
	read -r p f r <"$a" || { p=0 f=1 r=1; }
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$r" = 0 ] || [ "$rc" != 0 ] || rc=$r
done
echo "$passed passed, $failed failed"
exit "$rc"
