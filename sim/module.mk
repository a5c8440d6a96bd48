# sim/: opal-sim, the fake OPAL host (never linked into product binaries).
MAINS_sim := sim/opal-sim.c
$(eval $(call bin_template,sim/opal-sim.c,opal-sim))
