#!/usr/bin/env python3
"""gen_pel_seeds.py - write the synthetic seed corpus of fuzz_pel (tests/fuzz/corpus/pel/).

Every seed is built here from the layouts of docs/spec/pel.md (no shared data is copied):
a clean FSP-style PEL with callouts (FRU identity, PCE, MRU), its eSEL wrapping, a
skiboot-native PEL (EH time at offset 62, odd UD length), one PEL with every optional
section type, and malformed variants (truncations, bad lengths and counts, unknown ids,
invalid BCD, oversized MRU lists). Run it from the repository root to regenerate.
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "pel")


def sec(sid, body, ver=1, sub=0, comp=0x1234, length=None):
    n = 8 + len(body) if length is None else length
    return sid.encode() + struct.pack(">HBBH", n, ver, sub, comp) + body


def bcd(y, mo, d, h, mi, s, hs):
    v = [y // 100, y % 100, mo, d, h, mi, s, hs]
    return bytes(((x // 10) << 4) | (x % 10) for x in v)


T1 = bcd(2026, 11, 25, 16, 30, 5, 42)


def ph(count, creator=b"E", create=T1, commit=T1, plid=0x50000101, eid=0x50000101):
    body = create + commit + creator + b"\x00\x01" + bytes([count]) + b"\x00" * 4
    body += b"\x00" * 8 + struct.pack(">II", plid, eid)
    return sec("PH", body)


def uh(subsys=0x23, scope=3, sev=0x40, etype=0, action=0xA800):
    return sec("UH", struct.pack(">BBBBIBBHI", subsys, scope, sev, etype, 0, 0, 0, action, 0))


def callout(prio, loc, fru=None, pce=None, mrus=None):
    loc = loc.encode() + b"\x00"
    loc += b"\x00" * (-len(loc) % 4)
    flags = 0x20
    subs = b""
    if fru:
        ftype, pn, ccin, sn = fru
        fl = ftype | (0x08 if pn else 0) | (0x04 if ccin else 0) | (0x01 if sn else 0)
        body = b""
        if pn:
            body += pn.encode().ljust(8, b"\x00")
        if ccin:
            body += ccin.encode().ljust(4, b"\x00")
        if sn:
            body += sn.encode().ljust(12, b"\x00")
        subs += b"ID" + bytes([4 + len(body), fl]) + body
        flags |= 0x08
    if pce:
        mtm, sn, name = pce
        body = mtm.encode().ljust(8, b"\x00") + sn.encode().ljust(12, b"\x00")
        body += name.encode().ljust(-(-len(name) // 4) * 4, b"\x00") if name else b""
        subs += b"PE" + bytes([4 + len(body), 0]) + body
        flags |= 0x03
    if mrus is not None:
        body = b"\x00" * 4 + b"".join(struct.pack(">3sBI", b"\x00" * 3, ord(p), i) for p, i in mrus)
        subs += b"MR" + bytes([4 + len(body), len(mrus) & 0x0F]) + body
        flags |= 0x04
    c = bytes([0, flags, ord(prio), len(loc)]) + loc + subs
    return bytes([len(c)]) + c[1:]


def src(sid, refcode, callouts=(), words=9, fmt=0xF0, sub=1, pad=b" "):
    co = b"".join(callouts)
    flags = 0x01 if callouts else 0
    body = struct.pack(">BBBBH", 2, flags, 0, words, 0)
    ascii_ = refcode.encode().ljust(32, pad)
    extra = (b"\xc0\x00" + struct.pack(">H", (4 + len(co)) // 4) + co) if callouts else b""
    size = 72 + len(extra)
    body = body + struct.pack(">H", size) + struct.pack(">8I", fmt, 1, 2, 3, 4, 5, 6, 7)
    return sec(sid, body + ascii_ + extra, sub=sub)


def eh(mtm="9080-HEX", sn="1234ABC", rel="FW1060.00", subv="fw-sub-1", t=T1, symptom="",
       at62=False):
    sym = symptom.encode()
    if sym:
        sym += b"\x00" * (4 - len(sym) % 4)
    body = mtm.encode().ljust(8, b"\x00") + sn.encode().ljust(12, b"\x00")
    body += rel.encode().ljust(16, b"\x00") + subv.encode().ljust(16, b"\x00")
    if at62:
        body += b"\x00" * 2 + t + b"\x00" * 2 + b"\x00" * 3 + bytes([len(sym)])
    else:
        body += b"\x00" * 4 + t + b"\x00" * 3 + bytes([len(sym)])
    return sec("EH", body + sym)


def mt(mtm="9080-HEX", sn="1234ABC", sid="MT"):
    return sec(sid, mtm.encode().ljust(8, b"\x00") + sn.encode().ljust(12, b"\x00"))


def ud(data, sub=0, ver=1):
    return sec("UD", data, ver=ver, sub=sub)


def pel(*sections, count=None, creator=b"E", create=T1, commit=T1):
    n = len(sections) + 1 if count is None else count
    return ph(n, creator=creator, create=create, commit=commit) + b"".join(sections)


def esel(p):
    return bytes([0, 0, 0xDF, 0, 0, 0, 0, 0x20, 0, 4, 0x12, 0, 0x70, 0xAA, 0, 0]) + p


def main():
    os.makedirs(OUT, exist_ok=True)
    co = [
        callout("H", "U78D3.001.WZS0001-P1-C9", fru=(0x10, "01DH123", "52A6", "YH10MS0A1B2C"),
                pce=("9080-HEX", "1234ABC", "CEC DRAWER"), mrus=[("H", 0x1001), ("M", 0x1002)]),
        callout("M", "U78D3.001.WZS0001-P0", fru=(0x40 | 0x02, "FSPSP04", None, None)),
        callout("L", "", fru=(0xC0, "AMBTEMP", None, None)),
    ]
    good = pel(uh(), src("PS", "BC8A1234 EXTENDED", co), eh(symptom="BC8A1234_00000001"), mt(),
               ud(b"DESC\x00\x18\x00\x00hello, world!!!!"))
    seeds = {
        "good.pel": good,
        "good.esel": esel(good),
        "info.pel": pel(uh(sev=0, action=0x6000), src("PS", "B182950C"), eh(), mt()),
        "skiboot.pel": pel(uh(subsys=0x7A, scope=0, sev=0x22, etype=1, action=0x2000),
                           src("PS", "BB828010", words=8, fmt=0x80, sub=0, pad=b"\x00"),
                           eh(rel="", subv="", at62=True), mt(),
                           ud(b"DESC\x00\x13\x53\x55SURV: x\n"), ud(b"DESC\x00\x0cSUab\x00"),
                           creator=b"K", commit=b"\x00" * 8),
        "allsections.pel": pel(
            uh(), src("PS", "BB821234"), eh(), mt(),
            src("SS", "B1234567", [callout("A", "U1-P1")]),
            sec("EP", bytes([0x33, 0x12, 0, 1]) + struct.pack(">I", 0xABCD), ver=2),
            sec("LR", struct.pack(">BBHII", 0x40, 0, 5, 7, 0x1000)),
            sec("IE", struct.pack(">BBBBI", 1, 4, 0x38, 1, 0x20000010) + b"\x01\x02\x03\x04"),
            sec("IE", struct.pack(">BBBBI", 1, 0, 0x38, 5, 0) + struct.pack(">Q", 1 << 40)),
            sec("MI", struct.pack(">II", 0x80000000, 0)),
            mt("7042-CR9", "SERIAL123456", sid="HM"),
            sec("LP", struct.pack(">HBBI", 1, 4, 2, 0x42) + b"lp1\x00" + struct.pack(">HH", 3, 4)),
            sec("CH", b"call home text\x00\x00"),
            sec("DH", struct.pack(">IBBBBQ", 0x1234, 0x40, 0, 0, 4, 0x1000) + b"\xca\xfe\xf0\x0d",
                sub=2),
            sec("DH", struct.pack(">IBBBBQ", 0x99, 0, 0, 0, 8, 1) + b"dumpfile", sub=1),
            sec("SW", struct.pack(">III", 0xDEAD, 42, 7) + b"\x08file.c\x00\x00\x00"),
            sec("SW", struct.pack(">IHHI", 0xDEADBEEF, 0x1111, 0x2222, 0x33333333), ver=2),
            sec("EI", struct.pack(">QIHHBBH", 0x0102030405060708, 0x11, 0x22, 0x33, 1, 0, 2)
                + struct.pack(">IHH", 0x44, 0x55, 0x66) + struct.pack(">IHH", 1, 2, 3)),
            sec("ED", b"K\x00\x00\x00" + b"extended data"),
            sec("ZZ", b"opaque!!"),
            ud(b"\x01\x02\x03"),
        ),
        "unknown.pel": pel(uh(), src("PS", "B1112222"), eh(), sec("ZZ", b"\x00" * 8), mt()),
        "count-high.pel": pel(uh(), src("PS", "B1112222"), eh(), count=40),
        "count-low.pel": pel(uh(), src("PS", "B1112222"), eh(), mt(), count=2),
        "count-zero.pel": pel(count=0) + b"\x00" * 64,
        "zero-len.pel": pel(uh(), src("PS", "B1112222"), eh(), sec("UD", b"", length=0)),
        "len-overrun.pel": pel(uh(), src("PS", "B1112222"), eh(), sec("UD", b"abcd", length=4096)),
        "truncated.pel": good[:100],
        "truncated-callout.pel": good[:200],
        "short-ph.pel": good[:40],
        "not-ph.pel": uh() + ph(2),
        "bad-bcd.pel": pel(uh(), src("PS", "B1112222"), eh(), create=bytes.fromhex("99aa13322561 61ff")
                           .replace(b" ", b"")),
        "wordcount.pel": pel(uh(), src("PS", "B1112222", words=255), eh()),
        "mr-overflow.pel": pel(uh(), src("PS", "B1112222", [callout("H", "U1", mrus=[("H", i) for i in range(29)])]), eh()),
        "callout-bad.pel": pel(uh(), src("PS", "B1112222", [b"\x03\x20H\x00"]), eh()),
        "two-uh.pel": pel(uh(), src("PS", "B1112222"), eh(), uh()),
        "ps-not-third.pel": pel(uh(), eh(), src("PS", "B1112222"), mt()),
        "short-sections.pel": pel(sec("UH", b"\x01"), sec("PS", b"\x02" * 10), sec("EH", b""),
                                  sec("MT", b"x"), sec("EI", b"y" * 4), sec("DH", b"z")),
        "padded.pel": good + b"\x00" * 2048,
        "esel-only.bin": esel(b""),
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
