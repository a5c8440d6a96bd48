# dump/: platform dumps (/sys/firmware/opal/dump): listing, streaming retrieval with
# SHA-256 and optional zstd, ack, initiate, the dump header, pruning, the dump event.
# Built as libdump.a; the command is cli/opal-dump.c.
