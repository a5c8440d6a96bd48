# common/: helpers shared by every module (errors, bounded byte reads, root paths,
# file I/O, JSON writer, logging, time, hex dumps, progress bars). Built as libcommon.a.
