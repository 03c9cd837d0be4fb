# tests/fuzz: libFuzzer targets for every parser that reads what another
# party wrote.  Built with clang (Debian's, with libclang_rt.fuzzer) and
# ASan+UBSan into $(FUZZOBJ), apart from the gcc build; `make fuzz' runs
# each for $(FUZZTIME) seconds, `make test' runs a short smoke of each
# (tests/fuzz/t_fuzz).
#
#   fuzz_xs_wire        xensimd's xs_wire requests, as one connection
#   fuzz_hv_wire        xensimd's hypercall socket packets, from a domU
#   fuzz_target         the driver's memory/target watch, on a fuzz host
#   fuzz_sysctl_sp      the guest's sysctl server requests
#   fuzz_rumpsysctl     librumpsysctl reading the server's replies
#   fuzz_size           balloonctl's size syntax

FUZZOBJ		:= $(OBJ)/fuzz
FUZZBIN		:= $(FUZZOBJ)/bin
FUZZCC		:= clang
FUZZSAN		:= -fsanitize=fuzzer-no-link,address,undefined \
		   -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# The build's own flags, with clang's headers for gcc's and the fuzzer's
# instrumentation added.
FUZZUCFLAGS	= $(UCFLAGS) $(FUZZSAN) -Isys/rump/include -Ilib/libxensim \
		  -Ilib/librumpsysctl -Iusr.sbin/xensimd -Iusr.sbin/balloonctl \
		  -Isys/arch/xen/include -Ilib/librumpuser -Itests/fuzz
FUZZKCFLAGS	= $(subst -isystem $(GCCINC),-isystem $(shell $(FUZZCC) \
		  -print-file-name=include),$(KCFLAGS)) $(FUZZSAN)
FUZZLDFLAGS	:= -fsanitize=fuzzer,address,undefined

FUZZTARGETS	:= fuzz_xs_wire fuzz_hv_wire fuzz_target fuzz_sysctl_sp \
		   fuzz_rumpsysctl fuzz_size
FUZZPROGS	:= $(FUZZTARGETS:%=$(FUZZBIN)/%)

# Objects: $(FUZZOBJ)/k/<path>.o kernel-style, $(FUZZOBJ)/u/<path>.o host.
$(FUZZOBJ)/k/%.o: %.c $(KINC)/.stamp
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZKCFLAGS) -c $< -o $@

$(FUZZOBJ)/u/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZUCFLAGS) -c $< -o $@

fz_u		= $(patsubst %.c,$(FUZZOBJ)/u/%.o,$(1))
fz_k		= $(patsubst %.c,$(FUZZOBJ)/k/%.o,$(1))

# xensimd without its main(): the store, the connections, the hypervisor.
FUZZ_XENSIMD_OBJS := $(call fz_u,$(filter-out usr.sbin/xensimd/main.c, \
		   $(XENSIMD_SRCS)))

# The driver and the rump kernel, unmodified, over the fuzz host
# (tests/fuzz/fuzz_host.c) in place of librumpuser's xen and xs parts.
FUZZ_KERN_OBJS	:= $(call fz_k,$(SYS_KSRCS) $(RUMP_KSRCS))
FUZZ_HOST_OBJS	:= $(call fz_u,lib/librumpuser/rumpuser.c \
		   lib/librumpuser/rumpuser_sync.c tests/fuzz/fuzz_host.c)

$(FUZZBIN)/fuzz_xs_wire: $(call fz_u,tests/fuzz/fuzz_xs_wire.c) \
		   $(FUZZ_XENSIMD_OBJS) $(call fz_u,$(LIBXENSIM_SRCS))
$(FUZZBIN)/fuzz_hv_wire: $(call fz_u,tests/fuzz/fuzz_hv_wire.c) \
		   $(FUZZ_XENSIMD_OBJS) $(call fz_u,$(LIBXENSIM_SRCS))
$(FUZZBIN)/fuzz_target: $(call fz_u,tests/fuzz/fuzz_target.c \
		  ) $(FUZZ_KERN_OBJS) $(FUZZ_HOST_OBJS)
$(FUZZBIN)/fuzz_sysctl_sp: $(call fz_u,tests/fuzz/fuzz_sysctl_sp.c \
		   lib/librumpuser/rumpuser_sp.c) $(FUZZ_KERN_OBJS) \
		   $(FUZZ_HOST_OBJS)
$(FUZZBIN)/fuzz_rumpsysctl: $(call fz_u,tests/fuzz/fuzz_rumpsysctl.c \
		   $(LIBRUMPSYSCTL_SRCS))
$(FUZZBIN)/fuzz_size: $(call fz_u,tests/fuzz/fuzz_size.c \
		   usr.sbin/balloonctl/size.c)

$(FUZZPROGS):
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZLDFLAGS) -o $@ $^ -lxenstore -lpthread

# The tree's seeds, where the installed tests/fuzz/t_fuzz finds them.
FUZZSEEDS	:= $(wildcard tests/fuzz/corpus/*/*)
$(FUZZOBJ)/seeds/.stamp: $(FUZZSEEDS)
	@rm -rf $(@D) && mkdir -p $(@D)
	cp -R tests/fuzz/corpus/. $(@D)/
	@touch $@

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZPROGS) $(FUZZOBJ)/seeds/.stamp

# make fuzz [FUZZTIME=seconds per target] [FUZZTARGETS=...]
FUZZTIME	?= 60
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@sh tests/fuzz/run.sh $(FUZZOBJ) $(FUZZTIME) $(FUZZTARGETS)
