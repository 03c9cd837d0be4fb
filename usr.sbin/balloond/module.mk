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

# make install: dom0's two programs, their pages and balloond's unit.
install-balloond: $(BINDIR)/balloond $(BINDIR)/balloonctl
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(SYSTEMDDIR)
	install -m 755 $(BINDIR)/balloond $(BINDIR)/balloonctl \
	    $(DESTDIR)$(SBINDIR)/
	install -m 644 share/man/man8/balloond.8 share/man/man8/balloonctl.8 \
	    $(DESTDIR)$(MANDIR)/man8/
	sed 's,@SBINDIR@,$(SBINDIR),g' usr.sbin/balloond/balloond.service \
	    >$(DESTDIR)$(SYSTEMDDIR)/balloond.service
	chmod 644 $(DESTDIR)$(SYSTEMDDIR)/balloond.service

.PHONY: install-balloond
INSTALLS	+= install-balloond
