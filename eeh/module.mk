# eeh/: PE discovery (libpci + sysfs), state decode, the kernel EEH log grammar, uevents,
# freeze windows, VFIO polling, guest mapping, error injection, history. Built as libeeh.a.
