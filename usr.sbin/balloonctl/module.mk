# usr.sbin/balloonctl: the balloon's control utility, for a domU and dom0.

BALLOONCTL_SRCS	:= $(wildcard usr.sbin/balloonctl/*.c)
BALLOONCTL_OBJS	:= $(BALLOONCTL_SRCS:%.c=$(OBJ)/u/%.o) \
		   $(OBJ)/u/usr.sbin/balloond/sockpath.o

$(BALLOONCTL_OBJS): CPPFLAGS += -Iusr.sbin/balloonctl -Ilib/libxensim \
			-Ilib/librumpsysctl -Isys/arch/xen/include \
			-Iusr.sbin/balloond

$(BINDIR)/balloonctl: $(BALLOONCTL_OBJS) $(LIBXENSIM) $(LIBRUMPSYSCTL)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(BALLOONCTL_OBJS) $(LIBXENSIM) \
	    $(LIBRUMPSYSCTL) -lxenctrl -lxenstore

PROGS		+= $(BINDIR)/balloonctl
