#!/bin/sh
#
# deps.sh [PACKAGE...]: install the Debian packages the project builds
# and runs with, and the named ones, when they are missing.  Runs before
# every top-level make target; quiet when nothing is missing.
#
set -eu

PKGS="gcc make pkg-config libc6-dev libxen-dev libxenstore4 xenstore-utils
libatf-dev atf-sh kyua mandoc util-linux procps clang libclang-rt-14-dev $*"

missing=
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (run as root to install)" >&2
	exit 1
fi

echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have empty package lists: update and try again.
if ! apt-get install -y -q --no-install-recommends $missing >/dev/null; then
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
