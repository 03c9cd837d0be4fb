#!/bin/sh
#
# mandoc -Tlint over every manual page; any message is a failure.
#
set -eu
cd "$(dirname "$0")/.."
pages=$(find share/man -name '*.[1-9]' | sort)
[ -n "$pages" ] || exit 0
out=$(mandoc -Tlint -Wwarning $pages 2>&1 || true)
if [ -n "$out" ]; then
	printf '%s\n' "$out" >&2
	echo "lint: mandoc -Tlint reported problems" >&2
	exit 1
fi
echo "lint: $(echo $pages | wc -w) manual pages clean"
