#	$NetBSD$
#
# A dead xensimd leaves no ghosts: its guests die with it, and a daemon
# started again in the same directory refuses every socket path the old
# one handed out.

. @TESTLIB@/xensim.subr

# gone PID: the process has exited (a zombie waiting for its reaper
# counts: it holds no memory and runs no code).
gone()
{
	local state
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' \
	    /proc/$1/status 2>/dev/null)
	[ -z "$state" ] || [ "$state" = Z ]
}

guest_pid()
{
	xensimctl list -l | awk -v n="$1" '$1 == n { print $8 }'
}

# A guest program that is not the daemon's child: rumpxen runs under a
# shell that waits for it.
write_wrapper()
{
	cat >wrapper <<EOF
#!/bin/sh
$BINDIR/rumpxen "\$@" &
echo \$! >"$(pwd)/\$XENSIM_DOMID.pid"
wait
EOF
	chmod +x wrapper
}

# A guest program that escapes both: not the daemon's child, and it
# closes the liveness descriptor.
write_escaper()
{
	cat >escaper <<EOF
#!/bin/sh
exec 3<&-
unset XENSIM_HOSTFD
setsid $BINDIR/rumpxen "\$@" &
echo \$! >"$(pwd)/\$XENSIM_DOMID.pid"
wait
EOF
	chmod +x escaper
}

# kill -9 the daemon; its pid file stays, as it would.
kill_daemon()
{
	local pid
	pid=$(cat xensim/xensimd.pid)
	kill -9 $pid
	wait_for gone $pid || atf_fail "xensimd $pid survived SIGKILL"
}

atf_test_case guests_die cleanup
guests_die_head()
{
	atf_set "descr" "kill -9 of xensimd: every guest process exits, " \
	    "its child or not"
}
guests_die_body()
{
	local p1 p2 p3 i
	xensim_start -m 512
	write_wrapper
	atf_check -s exit:0 -o inline:"1\n" xensimctl create name=a \
	    memory=32 type=pv kernel=$BINDIR/rumpxen
	atf_check -s exit:0 -o inline:"2\n" xensimctl create name=b \
	    memory=32 type=pvh kernel=$BINDIR/rumpxen
	atf_check -s exit:0 -o inline:"3\n" xensimctl create name=c \
	    memory=32 kernel=$(pwd)/wrapper
	wait_for test -s 3.pid || atf_fail "wrapper did not start rumpxen"
	wait_for grep -q "^balloon0:" xensim/domains/3/console.log ||
	    atf_fail "domain 3 did not boot"
	p1=$(guest_pid a); echo $p1 >1.pid
	p2=$(guest_pid b); echo $p2 >2.pid
	p3=$(cat 3.pid)
	for p in $p1 $p2 $p3; do
		gone $p && atf_fail "guest $p not running before the kill"
	done
	kill_daemon
	for p in $p1 $p2 $p3; do
		wait_for gone $p || atf_fail "guest $p outlived its host"
	done
	atf_check -s exit:0 -o match:"host gone" cat xensim/domains/3/console.log
}
guests_die_cleanup()
{
	xensim_stop
	for f in *.pid; do
		[ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	true
}

atf_test_case restart_refuses cleanup
restart_refuses_head()
{
	atf_set "descr" "xensimd started again in the same directory " \
	    "refuses the sockets the old one handed out"
}
restart_refuses_body()
{
	local oldxs oldhc pid
	xensim_start -m 512
	write_escaper
	atf_check -s exit:0 -o inline:"1\n" xensimctl create name=old \
	    memory=32 type=pv kernel=$(pwd)/escaper
	wait_for test -s 1.pid || atf_fail "escaper did not start rumpxen"
	pid=$(cat 1.pid)
	wait_for grep -q "^balloon0:" xensim/domains/1/console.log ||
	    atf_fail "domain 1 did not boot"
	oldxs=$(tr '\0' '\n' </proc/$pid/environ | sed -n 's/^XENSTORED_PATH=//p')
	oldhc=$(tr '\0' '\n' </proc/$pid/environ | sed -n 's/^XENSIM_HYPERCALL=//p')
	[ -S "$oldxs" ] && [ -S "$oldhc" ] || atf_fail "no sockets in env"

	# One daemon per directory while it lives ...
	atf_check -s exit:1 -e match:"already running in" \
	    xensimd -d "$XENSIM_DIR"
	atf_check -s exit:0 -o inline:"1\n" xenstore-read \
	    /local/domain/1/control/feature-poweroff
	# ... and a new one once it is dead.
	kill_daemon
	xensim_start -m 512
	atf_check -s exit:0 -o inline:"1\n" xensimctl create name=new \
	    memory=32 type=pv kernel=$BINDIR/rumpxen
	wait_for grep -q "^balloon0:" xensim/domains/1/console.log ||
	    atf_fail "new domain 1 did not boot"

	# The old guest lost its host and was refused on reconnecting.
	wait_for gone $pid || atf_fail "old guest $pid still running"
	# A client holding the old paths is refused by the new daemon.
	atf_check -s not-exit:0 -e ignore env XENSTORED_PATH=$oldxs \
	    xenstore-read /local/domain/1/name
	atf_check -s not-exit:0 -e ignore env XENSTORED_PATH=$oldxs \
	    xenstore-write /local/domain/1/data/x ghost
	atf_check -s exit:1 -o match:"cannot start as a Xen domain" \
	    -e ignore env XENSIM_HYPERCALL=$oldhc XENSTORED_PATH=$oldxs \
	    XENSIM_DOMID=1 $BINDIR/rumpxen
	atf_check -s exit:0 -o inline:"new\n" xenstore-read /local/domain/1/name
	atf_check -s exit:1 -e ignore xenstore-read /local/domain/1/data/x
	# The new guest's console log is its own: no NUL bytes, no ghost.
	tr -d '\000' <xensim/domains/1/console.log >log.clean
	atf_check -s exit:0 cmp log.clean xensim/domains/1/console.log
	atf_check -s exit:0 -o match:"^NetBSD-style rump kernel" \
	    head -1 xensim/domains/1/console.log
	atf_check -s exit:1 grep -q "reconnect" xensim/domains/1/console.log
}
restart_refuses_cleanup()
{
	xensim_stop
	for f in *.pid; do
		[ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	true
}

atf_init_test_cases()
{
	atf_add_test_case guests_die
	atf_add_test_case restart_refuses
}
