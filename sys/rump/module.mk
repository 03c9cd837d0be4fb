# sys/rump: the bench's rump kernel (librump, kernel-style), its host
# side (librumpuser, libc and pthreads), and the domU program rumpxen.

RUMP_KSRCS	:= $(wildcard sys/rump/librump/*.c)
RUMP_KOBJS	:= $(RUMP_KSRCS:%.c=$(OBJ)/k/%.o)
RUMPUSER_SRCS	:= $(wildcard lib/librumpuser/*.c)
RUMPUSER_OBJS	:= $(RUMPUSER_SRCS:%.c=$(OBJ)/u/%.o)
RUMPXEN_OBJS	:= $(OBJ)/u/sys/rump/rumpxen/rumpxen.o

$(RUMPUSER_OBJS) $(RUMPXEN_OBJS): CPPFLAGS += -Isys/rump/include \
		   -Ilib/libxensim -Ilib/librumpsysctl

$(BINDIR)/rumpxen: $(SYS_KOBJS) $(RUMP_KOBJS) $(RUMPUSER_OBJS) \
		   $(RUMPXEN_OBJS) $(LIBXENSIM)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(RUMPXEN_OBJS) $(SYS_KOBJS) $(RUMP_KOBJS) \
	    $(RUMPUSER_OBJS) $(LIBXENSIM) -lxenstore -lpthread

PROGS		+= $(BINDIR)/rumpxen

# The same kernel without options UVM_HOTPLUG, rumpxen-nohotplug: the
# driver and uvm's segments built against a configuration that lacks
# it (kconf-nohotplug, searched first).
NOHP_CONF	:= $(OBJ)/kconf-nohotplug
NOHP_SRCS	:= $(BALLOON_SRCS) sys/rump/librump/physseg.c
NOHP_OBJS	:= $(NOHP_SRCS:%.c=$(OBJ)/k-nohotplug/%.o)

$(NOHP_CONF)/opt_uvm_hotplug.h:
	@mkdir -p $(@D)
	@echo '/* No UVM_HOTPLUG. */' > $@

$(OBJ)/k-nohotplug/%.o: %.c $(KINC)/.stamp $(NOHP_CONF)/opt_uvm_hotplug.h
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS_COMMON) -I$(NOHP_CONF) -I$(KINC) \
	    -I$(CURDIR)/sys/rump/librump/include \
	    -I$(CURDIR)/sys/rump/include -c $< -o $@

NOHP_KOBJS	:= $(filter-out $(NOHP_SRCS:%.c=$(OBJ)/k/%.o), \
		   $(SYS_KOBJS) $(RUMP_KOBJS)) $(NOHP_OBJS)

$(BINDIR)/rumpxen-nohotplug: $(NOHP_KOBJS) $(RUMPUSER_OBJS) \
		   $(RUMPXEN_OBJS) $(LIBXENSIM)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(RUMPXEN_OBJS) $(NOHP_KOBJS) \
	    $(RUMPUSER_OBJS) $(LIBXENSIM) -lxenstore -lpthread

PROGS		+= $(BINDIR)/rumpxen-nohotplug
