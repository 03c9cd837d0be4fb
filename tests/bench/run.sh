#!/bin/sh
#
# make bench: run every benchmark in tests/bench and print its numbers.
# Benchmarks report; they never pass or fail on time.
#
set -eu
obj=$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$obj/bench"
cc -O2 -Wall -Wextra -D_GNU_SOURCE -o "$obj/bench/punch_baseline" "$here/punch_baseline.c"
echo "== host baseline"
"$obj/bench/punch_baseline" 1024
for b in "$here"/*_bench.sh; do
	[ -e "$b" ] || continue
	echo "== $(basename "$b" .sh)"
	sh "$b" "$obj"
done
