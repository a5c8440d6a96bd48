# opal-prd/: the collecting daemon. main.c is the binary; the rest is libopal-prd.a
# (event loop, batch/ack machinery, one src_*.c per source, control socket).
MAINS_opal-prd := opal-prd/main.c
$(eval $(call bin_template,opal-prd/main.c,opal-prd))
