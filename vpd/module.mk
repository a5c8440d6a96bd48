# vpd/: PCI VPD and IBM IPZ VPD parsers, encoders, FRU inventory, diffs, snapshot
# tables. Built as libvpd.a (no mains).
