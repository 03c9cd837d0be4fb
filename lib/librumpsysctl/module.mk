# lib/librumpsysctl: sysctl(3) for bench guests, over their sysctl socket.

LIBRUMPSYSCTL_SRCS	:= $(wildcard lib/librumpsysctl/*.c)
LIBRUMPSYSCTL_OBJS	:= $(LIBRUMPSYSCTL_SRCS:%.c=$(OBJ)/u/%.o)

$(LIBRUMPSYSCTL_OBJS): CPPFLAGS += -Ilib/librumpsysctl

$(LIBRUMPSYSCTL): $(LIBRUMPSYSCTL_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(LIBRUMPSYSCTL_OBJS)

LIBS		+= $(LIBRUMPSYSCTL)
