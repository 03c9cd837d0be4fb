# sys/: kernel code shared by the platform kernels, and the drivers.
# Compiled kernel-style ($(OBJ)/k/...); a platform links SYS_KOBJS.

SYS_KSRCS	:= $(wildcard sys/kern/*.c) sys/arch/xen/xen/balloon.c
SYS_KOBJS	:= $(SYS_KSRCS:%.c=$(OBJ)/k/%.o)
