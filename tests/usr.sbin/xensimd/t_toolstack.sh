#	$NetBSD$
#
# The toolstack half of xensimd: the xenstore nodes, values and
# permissions libxl (Xen 4.17) writes at create and removes at destroy,
# read with the real xenstore-ls (XEN-GROUND-TRUTH.md, section 2).

. @TESTLIB@/xensim.subr

# check_node PATH VALUE PERMS: one line of xenstore-ls -fp.
check_node()
{
	atf_check -s exit:0 -o match:"^$1 = \"$2\"   \\($3\\)\$" \
	    grep -F "$1 = " ls.out
}

atf_test_case pvh cleanup
pvh_head()
{
	atf_set "descr" "xl create of a PVH domain: nodes, values, permissions"
}
pvh_body()
{
	xensim_start -m 256
	atf_check -s exit:0 -o inline:"1\n" \
	    xensimctl create name=gpvh type=pvh memory=16 maxmem=32
	xenstore-ls -fp / >ls.out
	D=/local/domain/1
	check_node $D "" "n0,r1"
	check_node $D/name gpvh "n0,r1"
	check_node $D/domid 1 "n0,r1"
	check_node $D/cpu/0/availability online "n0,r1"
	check_node $D/memory "" "n0,r1"
	check_node $D/memory/static-max 32768 "n0,r1"
	check_node $D/memory/target 16384 "n0,r1"
	check_node $D/memory/videoram 0 "n0,r1"
	check_node $D/device/suspend/event-channel "" "n1"
	check_node $D/control "" "n0,r1"
	for n in shutdown feature-poweroff feature-reboot feature-suspend \
	    sysrq; do
		check_node $D/control/$n "" "n1"
	done
	check_node $D/control/platform-feature-multiprocessor-suspend 1 "n0,r1"
	check_node $D/control/platform-feature-xs_reset_watches 1 "n0,r1"
	for n in data drivers feature attr error; do
		check_node $D/$n "" "n1"
	done
	check_node $D/store/port 1 "n0,r1"
	check_node $D/store/ring-ref 1044476 "n0,r1"
	check_node $D/console/backend /local/domain/0/backend/console/1/0 \
	    "n0,r1"
	check_node $D/console/backend-id 0 "n1,r0"
	check_node $D/console/limit 1048576 "n0,r1"
	check_node $D/console/type xenconsoled "n0,r1"
	check_node $D/console/port 2 "n0,r1"
	check_node $D/console/ring-ref 1044479 "n0,r1"
	B=/local/domain/0/backend/console/1
	check_node $B "" "n0"
	check_node $B/0 "" "n0,r1"
	check_node $B/0/frontend $D/console "n0,r1"
	check_node $B/0/frontend-id 1 "n0,r1"
	check_node $B/0/protocol vt100 "n0,r1"
	check_node /libxl/1/type pvh "n0"
	vm=$(xenstore-read $D/vm)
	check_node $D/vm "$vm" "n0,r1"
	check_node $vm/name gpvh "n0,r1"
	check_node $vm/uuid "${vm#/vm/}" "n0,r1"
	atf_check -s exit:0 -o match:'^[0-9]+\.[0-9]{2}$' \
	    xenstore-read $vm/start_time
	# libxl does not create control/feature-balloon.
	atf_check -s exit:1 -o empty -e ignore \
	    xenstore-read $D/control/feature-balloon

	atf_check -s exit:0 xensimctl destroy gpvh
	xenstore-ls -fp / >ls.out
	atf_check -s exit:1 grep -E "^($D|$vm|/libxl/1|$B)" ls.out
	# The backend directory itself stays, as with xl destroy.
	atf_check -s exit:0 -o ignore grep "^/local/domain/0/backend/console " \
	    ls.out
}
pvh_cleanup()
{
	xensim_stop
}

atf_test_case pv cleanup
pv_head()
{
	atf_set "descr" "xl create of a PV domain: MFN ring refs, /vm image"
}
pv_body()
{
	xensim_start -m 256
	atf_check -s exit:0 -o inline:"1\n" \
	    xensimctl create name=gpv type=pv memory=16 maxmem=32
	xenstore-ls -fp / >ls.out
	D=/local/domain/1
	check_node $D/memory/static-max 32768 "n0,r1"
	check_node $D/memory/target 16384 "n0,r1"
	check_node /libxl/1/type pv "n0"
	vm=$(xenstore-read $D/vm)
	check_node $vm/image/ostype linux "n0,r1"
	store=$(xenstore-read $D/store/ring-ref)
	cons=$(xenstore-read $D/console/ring-ref)
	# MFNs of boot pages, not the PVH GFNs.
	atf_check test "$store" != 1044476 -a "$cons" = $((store + 1))
	atf_check -s exit:0 xensimctl destroy 1
	atf_check -s exit:1 -e ignore xenstore-read $D/name
}
pv_cleanup()
{
	xensim_stop
}

atf_test_case xapi cleanup
xapi_head()
{
	atf_set "descr" "toolstack=xapi pre-creates control/feature-balloon" \
	    "writable by the guest"
}
xapi_body()
{
	xensim_start -m 256
	atf_check -s exit:0 -o ignore \
	    xensimctl create name=g memory=16 toolstack=xapi
	xenstore-ls -fp / >ls.out
	check_node /local/domain/1/control/feature-balloon "" "n1"
}
xapi_cleanup()
{
	xensim_stop
}

atf_test_case guest cleanup
guest_head()
{
	atf_set "descr" "kernel= runs the guest program; its exit kills the domain"
}
guest_body()
{
	xensim_start -m 256
	cat >guest <<'EOG'
#!/bin/sh
echo "domid=$XENSIM_DOMID args=$*"
test -S "$XENSIM_HYPERCALL" && echo hypercall ok
test -S "$XENSTORED_PATH" && echo xenstore ok
echo "sockets $(ls -l /proc/$$/fd | grep -c socket)"
# up: xensimctl create returns
xenstore-write /local/domain/$XENSIM_DOMID/control/feature-poweroff 1
while [ "$(xenstore-read /local/domain/$XENSIM_DOMID/control/shutdown)" \
    != poweroff ]; do
	sleep 0.1
done
exit 0
EOG
	chmod +x guest
	atf_check -s exit:0 -o inline:"1\n" xensimctl create name=g \
	    memory=16 kernel=$(pwd)/guest "cmdline=a b"
	# create returned: the guest is up
	atf_check -s exit:0 -o match:"^1\$" \
	    xenstore-read /local/domain/1/control/feature-poweroff
	# none of the daemon's sockets leaks into the guest
	atf_check -s exit:0 \
	    -o inline:"domid=1 args=a b\nhypercall ok\nxenstore ok\nsockets 0\n" \
	    cat xensim/domains/1/console.log
	atf_check -s exit:0 -o match:"^g +1 +16 +1 +r-----" xensimctl list
	atf_check -s exit:0 xensimctl shutdown g
	# The guest exits: the domain dies, its nodes go.
	wait_for sh -c '! xensimctl domid g' || atf_fail "domain g still there"
	atf_check -s exit:1 -e ignore xenstore-read /local/domain/1/name
	atf_check -s exit:0 -o match:"free_memory +: 256" xensimctl info
}
guest_cleanup()
{
	xensim_stop
}

atf_init_test_cases()
{
	atf_add_test_case pvh
	atf_add_test_case pv
	atf_add_test_case xapi
	atf_add_test_case guest
}
