# sys/: kernel code shared by the platform kernels, and the drivers.
# Compiled kernel-style ($(OBJ)/k/...); a platform links SYS_KOBJS.

SYS_KSRCS	:= $(wildcard sys/kern/*.c) sys/arch/xen/xen/balloon.c
SYS_KOBJS	:= $(SYS_KSRCS:%.c=$(OBJ)/k/%.o)

# The driver as a kernel without XENPV (PVH, HVM) compiles it: no P2M.
# Its configuration headers stand in $(OBJ)/kconf-noxenpv, searched first.
BALLOON_NOXENPV	:= $(OBJ)/k-noxenpv/sys/arch/xen/xen/balloon.o

$(OBJ)/kconf-noxenpv/opt_xen.h:
	@mkdir -p $(@D)
	@echo '/* No XENPV: an auto-translated kernel. */' > $@

$(BALLOON_NOXENPV): sys/arch/xen/xen/balloon.c $(KINC)/.stamp \
		    $(OBJ)/kconf-noxenpv/opt_xen.h
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS_COMMON) -I$(OBJ)/kconf-noxenpv -I$(CURDIR)/sys \
	    -I$(KINC) -I$(CURDIR)/sys/rump/include -c $< -o $@

PROGS		+= $(BALLOON_NOXENPV)
