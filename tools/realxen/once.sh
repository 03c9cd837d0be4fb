#!/bin/sh
#
# once.sh OBJ: the suite run's one real-Xen run (run.sh), its stderr in
# OBJ/realxen/run.err, which appears only when the run is over: the test
# cases wait for it.  A run that cannot be had (run.sh's 2) leaves
# OBJ/realxen/skip too.
#
set -u
obj=$1
dir=$obj/realxen
mkdir -p "$dir"
# Beside the rest of the suite the boot is slower than alone (boot.sh's
# 400 s): a hung boot is still cut.
export BOOT_LIMIT=${BOOT_LIMIT:-540}
sh "$(dirname "$0")/run.sh" "$obj" 2>"$dir/run.err.new"
rc=$?
[ $rc = 2 ] && cp "$dir/run.err.new" "$dir/skip"
mv "$dir/run.err.new" "$dir/run.err"
exit $rc
