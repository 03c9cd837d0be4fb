# usr.sbin/xensimd: the simulated Xen host.

XENSIMD_SRCS	:= $(wildcard usr.sbin/xensimd/*.c)
XENSIMD_OBJS	:= $(XENSIMD_SRCS:%.c=$(OBJ)/u/%.o)

$(XENSIMD_OBJS): CPPFLAGS += -Iusr.sbin/xensimd -Ilib/libxensim

$(BINDIR)/xensimd: $(XENSIMD_OBJS) $(LIBXENSIM)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(XENSIMD_OBJS) $(LIBXENSIM) -lxenstore

PROGS		+= $(BINDIR)/xensimd
