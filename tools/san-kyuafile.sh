#!/bin/sh
#
# san-kyuafile.sh TESTDIR TEST...: a Kyuafile.san in TESTDIR naming only
# the given test programs (paths under TESTDIR), through one Kyuafile.san
# per directory, so that kyua runs them without the others being built.
#
set -eu
cd "$1"
shift
find . -name Kyuafile.san -exec rm -f {} +
top='syntax(2)
test_suite("xenballoon")'
printf '%s\n' "$top" >Kyuafile.san
for t in "$@"; do
	d=${t%/*}
	if [ ! -f "$d/Kyuafile.san" ]; then
		printf '%s\n' "$top" >"$d/Kyuafile.san"
		echo "include(\"$d/Kyuafile.san\")" >>Kyuafile.san
	fi
	echo "atf_test_program{name=\"${t##*/}\"}" >>"$d/Kyuafile.san"
done
