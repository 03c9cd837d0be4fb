# usr.sbin/xensimctl: dom0's command for the simulated Xen host.

XENSIMCTL_SRCS	:= $(wildcard usr.sbin/xensimctl/*.c)
XENSIMCTL_OBJS	:= $(XENSIMCTL_SRCS:%.c=$(OBJ)/u/%.o)

$(XENSIMCTL_OBJS): CPPFLAGS += -Ilib/libxensim

$(BINDIR)/xensimctl: $(XENSIMCTL_OBJS) $(LIBXENSIM)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(XENSIMCTL_OBJS) $(LIBXENSIM) -lxenstore

PROGS		+= $(BINDIR)/xensimctl
