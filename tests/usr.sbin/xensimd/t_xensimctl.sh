#	$NetBSD$
#
# xensimctl(8): every subcommand, and every bad argument refused with one
# line on stderr, exit status 1, and nothing changed.

. @TESTLIB@/xensim.subr

atf_test_case commands cleanup
commands_head()
{
	atf_set "descr" "create, domid, list, info, shutdown, fault, destroy"
}
commands_body()
{
	xensim_start -m 256
	atf_check -s exit:0 -o match:"^total_memory +: 256$" xensimctl info
	atf_check -s exit:0 -o inline:"1\n" \
	    xensimctl create name=a memory=16 maxmem=32
	atf_check -s exit:0 -o empty xensimctl create -q name=b type=pv \
	    memory=8
	atf_check -s exit:0 -o inline:"2\n" xensimctl domid b
	atf_check -s exit:0 -o match:"^free_memory +: 231$" xensimctl info
	atf_check -s exit:0 \
	    -o match:"^Name +ID +Mem +VCPUs +State +Time\(s\)$" \
	    -o match:"^Domain-0 +0 +0 +1 +r----- +0.0$" \
	    -o match:"^a +1 +16 +1 +--p--- +0.0$" \
	    -o match:"^b +2 +8 +1 +--p--- +0.0$" xensimctl list
	atf_check -s exit:0 -o match:"^a +1 pvh +4113 +4352 +17 +8192 +0 +0 +4096 +- +0$" \
	    -o match:"^b +2 pv +2048 +2304 +2048 +2048 +0 +0 +0 +- +0$" xensimctl list -l
	atf_check -s exit:0 xensimctl shutdown a
	atf_check -s exit:0 -o inline:"poweroff\n" \
	    xenstore-read /local/domain/1/control/shutdown
	atf_check -s exit:0 xensimctl fault a budget=3 pool=ok
	atf_check -s exit:0 xensimctl fault a clear
	atf_check -s exit:0 xensimctl fault a xs=drop
	atf_check -s exit:0 xensimctl fault a xs=drop budget=2
	atf_check -s exit:0 xensimctl destroy 1
	atf_check -s exit:0 xensimctl destroy b
	atf_check -s exit:0 -o match:"^free_memory +: 256$" xensimctl info
	atf_check -s exit:0 -o inline:"$(xensimctl list | head -2)\n" \
	    xensimctl list
}
commands_cleanup()
{
	xensim_stop
}

# refused MESSAGE ARGS...: one line on stderr, exit 1, nothing on stdout.
refused()
{
	local msg=$1
	shift
	atf_check -s exit:1 -o empty -e match:"^xensimctl: .*$msg" \
	    xensimctl "$@"
	atf_check -s exit:0 -o inline:"1\n" -e empty \
	    sh -c "xensimctl $* 2>&1 | wc -l"
}

atf_test_case bad_arguments cleanup
bad_arguments_head()
{
	atf_set "descr" "bad arguments: message, exit 1, nothing changed"
}
bad_arguments_body()
{
	xensim_start -m 64
	atf_check -s exit:0 -o ignore xensimctl create name=a memory=16
	xensimctl list -l >before
	xenstore-ls -fp / | grep -v start_time >xs.before

	refused "foo: unknown key" create name=x memory=16 foo=1
	refused "memory: invalid size" create name=x memory=abc
	refused "memory: invalid size" create name=x memory=-4
	refused "maxmem: invalid size" create name=x memory=16 maxmem=1x
	refused "above maxmem" create name=x memory=32 maxmem=16
	refused "type: must be pv or pvh" create name=x memory=16 type=hvm
	refused "toolstack: must be" create name=x memory=16 toolstack=xe
	refused "already exists" create name=a memory=16
	refused "name= is required" create memory=16
	refused "memory= is required" create name=x
	refused "expected key=value" create name=x memory
	refused "invalid domain configuration" create name=a/b memory=16
	refused "not enough free host memory for 128 MiB: the host has 47 MiB free" \
	    create name=big memory=128
	refused "memory 65473 MiB is above the 65472 MiB a PVH domain can have" \
	    create name=big memory=65473
	refused "maxmem 65473 MiB is above the 65472 MiB a PVH domain can have" \
	    create name=big memory=16 maxmem=65473
	refused "memory 65537 MiB is above the 65536 MiB a PV domain can have" \
	    create name=big memory=65537 type=pv
	refused "kernel: /nonexistent" create name=x memory=16 \
	    kernel=/nonexistent
	refused "nosuch: no such domain" destroy nosuch
	refused "7: no such domain" destroy 7
	refused "nosuch: no such domain" shutdown nosuch
	refused "nosuch: no such domain" domid nosuch
	refused "nosuch: no such domain" fault nosuch clear
	refused "budget: invalid" fault a budget=x
	refused "bogus: unknown fault" fault a bogus
	atf_check -s exit:1 -o empty -e match:"^usage:" xensimctl
	atf_check -s exit:1 -o empty -e match:"unknown command" xensimctl frob
	atf_check -s exit:1 -o empty -e match:"^usage:" xensimctl destroy
	atf_check -s exit:1 -o empty -e match:"^usage:" xensimctl info x
	atf_check -s exit:1 -o empty -e match:"cannot reach xensimd" \
	    xensimctl -d /nonexistent list

	atf_check -s exit:0 -o file:before xensimctl list -l
	xenstore-ls -fp / | grep -v start_time >xs.after
	atf_check -s exit:0 cmp xs.before xs.after
}
bad_arguments_cleanup()
{
	xensim_stop
}

atf_test_case create_up cleanup
create_up_head()
{
	atf_set "descr" "create returns once the guest is up: balloonctl " \
	    "wait right after it works every time"
}
create_up_body()
{
	local i d type mib
	xensim_start -m 512
	for i in $(seq 1 20); do
		type=pv
		[ $((i % 2)) = 0 ] && type=pvh
		mib=$((16 + i % 3 * 8))
		d=$(xensimctl create name=g$i memory=$mib type=$type \
		    kernel=$BINDIR/rumpxen) || atf_fail "create $i failed"
		# Up: the balloon read memory/target, the sysctl server listens.
		atf_check -s exit:0 -o inline:"1\n" xenstore-read \
		    /local/domain/$d/control/feature-poweroff
		atf_check -s exit:0 -o match:"^at target $((mib * 1024)) KiB" \
		    -e empty balloonctl -s $XENSIM_DIR/domains/$d/sysctl wait
		atf_check -s exit:0 xensimctl destroy $d
	done
}
create_up_cleanup()
{
	xensim_stop
}

atf_test_case create_guest_dies cleanup
create_guest_dies_head()
{
	atf_set "descr" "create fails when the guest exits before it is up"
}
create_guest_dies_body()
{
	xensim_start -m 64
	atf_check -s exit:1 -o empty \
	    -e match:"^xensimctl: domain 1: the guest exited before it was up" \
	    xensimctl create name=x memory=16 kernel=/bin/false
	atf_check -s exit:0 -o match:"^free_memory +: 64$" xensimctl info
}
create_guest_dies_cleanup()
{
	xensim_stop
}

atf_test_case static_max cleanup
static_max_head()
{
	atf_set "descr" "list -l's StaticMax follows balloonctl mem-max"
}
static_max_body()
{
	xensim_start -m 256
	atf_check -s exit:0 -o inline:"1\n" \
	    xensimctl create name=a memory=16 maxmem=32 type=pv
	atf_check -s exit:0 -o match:"^a +1 pv +4096 +4352 +4096 +8192 +0 +0 +0 +- +0$" \
	    xensimctl list -l
	atf_check -s exit:0 -o ignore -e ignore balloonctl mem-max a 24
	atf_check -s exit:0 -o inline:"24576\n" \
	    xenstore-read /local/domain/1/memory/static-max
	atf_check -s exit:0 -o match:"^a +1 pv +4096 +[0-9]+ +4096 +6144 +0 +0 +0 +- +0$" \
	    xensimctl list -l
}
static_max_cleanup()
{
	xensim_stop
}

atf_init_test_cases()
{
	atf_add_test_case create_up
	atf_add_test_case create_guest_dies
	atf_add_test_case static_max
	atf_add_test_case commands
	atf_add_test_case bad_arguments
}
