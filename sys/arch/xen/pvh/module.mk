# sys/arch/xen/pvh: the PVH guest kernel, pvhxen, that runs the same
# driver and the same rump kernel (sys/rump/librump) on a real
# Xen: this directory is its rumpuser(3), over the bare hardware.
# Kernel code, without the sanitizers (nothing under it to report to).

PVH_KSRCS	:= $(SYS_KSRCS) $(RUMP_KSRCS) \
		   $(wildcard sys/arch/xen/pvh/*.c)
PVH_OBJS	:= $(PVH_KSRCS:%.c=$(OBJ)/pvh/%.o) \
		   $(OBJ)/pvh/sys/arch/xen/pvh/locore.o
# Its configuration (opt_xen.h without XENPV) in conf/, searched first.
PVH_CFLAGS	= $(CFLAGS) $(KWARNS) -std=gnu11 $(XENIFACE) \
		  -ffreestanding -nostdinc -isystem $(GCCINC) \
		  -D_KERNEL -D_KERNEL_OPT -DSYSCTL_INCLUDE_DESCR -MMD -MP \
		  -I$(CURDIR)/sys/arch/xen/pvh/conf -I$(KINC) \
		  -I$(CURDIR)/sys/rump/librump/include \
		  -I$(CURDIR)/sys/rump/include \
		  -fno-pie -fno-pic -fno-stack-protector -mno-red-zone \
		  -mgeneral-regs-only -fno-tree-loop-distribute-patterns \
		  -fno-asynchronous-unwind-tables

$(OBJ)/pvh/%.o: %.c $(KINC)/.stamp
	@mkdir -p $(@D)
	$(CC) $(PVH_CFLAGS) -c $< -o $@

$(OBJ)/pvh/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(PVH_CFLAGS) -c $< -o $@

$(BINDIR)/pvhxen: $(PVH_OBJS) sys/arch/xen/pvh/pvh.ld
	@mkdir -p $(@D)
	$(CC) -nostdlib -static -no-pie -Wl,-T,sys/arch/xen/pvh/pvh.ld \
	    -Wl,-z,max-page-size=4096 -Wl,--build-id=none \
	    -Wl,--no-warn-rwx-segments -o $@ \
	    $(PVH_OBJS) -lgcc

PROGS		+= $(BINDIR)/pvhxen
