# sys/rump: the bench's rump kernel (librump, kernel-style), its host
# side (librumpuser, libc and pthreads), and the domU program rumpxen.

RUMP_KSRCS	:= $(wildcard sys/rump/librump/*.c)
RUMP_KOBJS	:= $(RUMP_KSRCS:%.c=$(OBJ)/k/%.o)
RUMPUSER_SRCS	:= $(wildcard sys/rump/librumpuser/*.c)
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
