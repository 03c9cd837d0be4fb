# usr.sbin/balloond: dom0's memory manager.  It talks to the host through
# balloonctl's hypervisor layer (hv.c) and parses sizes as it does.

BALLOOND_SRCS	:= $(wildcard usr.sbin/balloond/*.c)
BALLOOND_OBJS	:= $(BALLOOND_SRCS:%.c=$(OBJ)/u/%.o)
BALLOOND_SHARED	:= $(OBJ)/u/usr.sbin/balloonctl/hv.o \
		   $(OBJ)/u/usr.sbin/balloonctl/size.o

$(BALLOOND_OBJS): CPPFLAGS += -Iusr.sbin/balloond -Iusr.sbin/balloonctl \
			-Ilib/libxensim -Isys/arch/xen/include

$(BINDIR)/balloond: $(BALLOOND_OBJS) $(BALLOOND_SHARED) $(LIBXENSIM)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(BALLOOND_OBJS) $(BALLOOND_SHARED) \
	    $(LIBXENSIM) -lxenctrl -lxenstore -lm

PROGS		+= $(BINDIR)/balloond
