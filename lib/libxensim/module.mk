# lib/libxensim: the client side of xensimd's hypervisor.

LIBXENSIM_SRCS	:= $(wildcard lib/libxensim/*.c)
LIBXENSIM_OBJS	:= $(LIBXENSIM_SRCS:%.c=$(OBJ)/u/%.o)

$(LIBXENSIM_OBJS): CPPFLAGS += -Ilib/libxensim

$(LIBXENSIM): $(LIBXENSIM_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(LIBXENSIM_OBJS)

LIBS		+= $(LIBXENSIM)
