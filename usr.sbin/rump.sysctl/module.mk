# usr.sbin/rump.sysctl: sysctl(8) for a bench guest ($RUMP_SERVER).

RUMP_SYSCTL_SRCS	:= $(wildcard usr.sbin/rump.sysctl/*.c)
RUMP_SYSCTL_OBJS	:= $(RUMP_SYSCTL_SRCS:%.c=$(OBJ)/u/%.o)

$(RUMP_SYSCTL_OBJS): CPPFLAGS += -Ilib/librumpsysctl

$(BINDIR)/rump.sysctl: $(RUMP_SYSCTL_OBJS) $(LIBRUMPSYSCTL)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(RUMP_SYSCTL_OBJS) $(LIBRUMPSYSCTL)

PROGS		+= $(BINDIR)/rump.sysctl
