# sys/: kernel code shared by the platform kernels, and the drivers.
# Compiled kernel-style ($(OBJ)/k/...); a platform links SYS_KOBJS.

BALLOON_SRCS	:= $(wildcard sys/arch/xen/xen/balloon*.c)
SYS_KSRCS	:= $(BALLOON_SRCS)
SYS_KOBJS	:= $(SYS_KSRCS:%.c=$(OBJ)/k/%.o)

# The driver as a kernel without XENPV (PVH, HVM) compiles it: no P2M.
# Its configuration headers stand in $(OBJ)/kconf-noxenpv, searched first.
BALLOON_NOXENPV	:= $(BALLOON_SRCS:%.c=$(OBJ)/k-noxenpv/%.o)

$(OBJ)/kconf-noxenpv/opt_xen.h:
	@mkdir -p $(@D)
	@echo '/* No XENPV: an auto-translated kernel. */' > $@

$(OBJ)/k-noxenpv/%.o: %.c $(KINC)/.stamp $(OBJ)/kconf-noxenpv/opt_xen.h
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS_COMMON) -I$(OBJ)/kconf-noxenpv -I$(KINC) \
	    -I$(CURDIR)/sys/rump/librump/include \
	    -I$(CURDIR)/sys/rump/include -c $< -o $@

PROGS		+= $(BALLOON_NOXENPV)
