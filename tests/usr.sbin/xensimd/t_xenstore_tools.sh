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
#
# xenstored against the real Debian xenstore tools (xenstore-utils), as
# an administrator uses them on a Xen dom0.

. @TESTLIB@/xensim.subr

atf_test_case initial_tree cleanup
initial_tree_head()
{
	atf_set "descr" "the tree a Xen host has before any guest"
}
initial_tree_body()
{
	xensim_start
	cat >expout <<'END'
/tool = ""   (n0)
/tool/xenstored = ""   (n0)
/local = ""   (n0)
/local/domain = ""   (n0)
/local/domain/0 = ""   (n0)
/local/domain/0/domid = "0"   (n0)
/local/domain/0/name = "Domain-0"   (n0)
/local/domain/0/control = ""   (n0)
/local/domain/0/control/feature-poweroff = "1"   (n0)
/local/domain/0/control/feature-reboot = "1"   (n0)
/local/domain/0/control/feature-suspend = "1"   (n0)
/local/pool = ""   (n0)
/local/pool/0 = ""   (n0)
/local/pool/0/name = "Pool-0"   (n0)
END
	atf_check -s exit:0 -o file:expout xenstore-ls -fp /
}
initial_tree_cleanup()
{
	xensim_stop
}

atf_test_case roundtrip cleanup
roundtrip_head()
{
	atf_set "descr" "write, read, exists, ls, list and rm round-trip"
}
roundtrip_body()
{
	xensim_start
	atf_check -s exit:0 xenstore-write /t/a "hello world" /t/b/c 42
	atf_check -s exit:0 -o inline:"hello world\n42\n" \
	    xenstore-read /t/a /t/b/c
	atf_check -s exit:0 -o inline:"\n" xenstore-read /t/b
	atf_check -s exit:0 xenstore-exists /t/b/c
	atf_check -s exit:1 -e ignore xenstore-exists /t/none
	atf_check -s exit:1 -e match:"couldn't read path /t/none" \
	    xenstore-read /t/none
	atf_check -s exit:0 -o inline:"a\nb\n" xenstore-list /t
	atf_check -s exit:0 \
	    -o inline:"a = \"hello world\"\nb = \"\"\n c = \"42\"\n" \
	    xenstore-ls /t
	# Overwrite, then remove a subtree.
	atf_check -s exit:0 xenstore-write /t/a again
	atf_check -s exit:0 -o inline:"again\n" xenstore-read /t/a
	atf_check -s exit:0 xenstore-rm /t/b
	atf_check -s exit:1 -e ignore xenstore-exists /t/b/c
	atf_check -s exit:1 -e ignore xenstore-exists /t/b
	atf_check -s exit:0 -o inline:"a\n" xenstore-list /t
	# Relative paths of dom0 are below /local/domain/0.
	atf_check -s exit:0 -o inline:"Domain-0\n" xenstore-read name
}
roundtrip_cleanup()
{
	xensim_stop
}

atf_test_case watch cleanup
watch_head()
{
	atf_set "descr" "xenstore-watch gets the first event, then a change"
}
watch_body()
{
	xensim_start
	atf_check -s exit:0 xenstore-write /w ""
	timeout 30 xenstore-watch -n 3 /w >out 2>err &
	# The first event says the watch is registered.
	wait_for grep -qx /w out || atf_fail "no initial event"
	atf_check -s exit:0 xenstore-write /elsewhere 1
	atf_check -s exit:0 xenstore-write /w/a 1
	atf_check -s exit:0 xenstore-rm /w/a
	wait
	atf_check -s exit:0 -o inline:"/w\n/w/a\n/w/a\n" cat out
}
watch_cleanup()
{
	xensim_stop
}

atf_test_case chmod cleanup
chmod_head()
{
	atf_set "descr" "xenstore-chmod: a domU is refused until dom0 lets it in"
}
chmod_body()
{
	local id domu
	xensim_start
	atf_check -s exit:0 -o ignore -e ignore \
	    xensimctl create name=g memory=64
	id=$(xensimctl domid g)
	# Through the domain's own socket, the tools act as the domU.
	domu="env XENSTORED_PATH=$XENSIM_DIR/domains/$id/xenstore"
	atf_check -s exit:0 xenstore-write /shared value
	atf_check -s exit:0 xenstore-chmod /shared n0
	atf_check -s exit:0 -o match:'^/shared = "value" +\(n0\)$' \
	    xenstore-ls -fp /
	atf_check -s exit:1 -e match:"couldn't read path" \
	    $domu xenstore-read /shared
	atf_check -s exit:1 -e match:"could not write path" \
	    $domu xenstore-write /shared guest
	# Read for the guest: reading works, writing still does not.
	atf_check -s exit:0 xenstore-chmod /shared n0 r"$id"
	atf_check -s exit:0 -o match:"^/shared = \"value\" +\\(n0,r$id\\)\$" \
	    xenstore-ls -fp /
	atf_check -s exit:0 -o inline:"value\n" \
	    $domu xenstore-read /shared
	atf_check -s exit:1 -e match:"could not write path" \
	    $domu xenstore-write /shared guest
	atf_check -s exit:0 -o inline:"value\n" xenstore-read /shared
	# Its own tree as libxl made it.
	atf_check -s exit:0 -o inline:"65536\n" \
	    $domu xenstore-read memory/target
	atf_check -s exit:1 -e ignore \
	    $domu xenstore-write memory/target 1
	atf_check -s exit:0 $domu xenstore-write data/x 1
	atf_check -s exit:0 -o inline:"1\n" \
	    xenstore-read /local/domain/"$id"/data/x
	# Only the owner or dom0 changes permissions.
	atf_check -s exit:1 -e ignore \
	    $domu xenstore-chmod memory/target b"$id"
	atf_check -s exit:0 $domu xenstore-chmod data/x n"$id" r0
}
chmod_cleanup()
{
	xensim_stop
}

atf_init_test_cases()
{
	atf_add_test_case initial_tree
	atf_add_test_case roundtrip
	atf_add_test_case watch
	atf_add_test_case chmod
}
