# tools/realxen: dom0's own program for make bench-xen, built against
# this host's Debian libxenctrl and run in the real dom0.

XENMEMTIME_OBJS	:= $(OBJ)/u/tools/realxen/xenmemtime.o

$(BINDIR)/xenmemtime: $(XENMEMTIME_OBJS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(XENMEMTIME_OBJS) -lxenctrl

PROGS		+= $(BINDIR)/xenmemtime
