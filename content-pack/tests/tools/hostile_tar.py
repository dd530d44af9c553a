#!/usr/bin/env python3
"""Writes pack archives with Python's tarfile, a tar writer the project did
not write, for content-pack's hostile-archive tests (tests/it/hostile.rs).

    hostile_tar.py CASE SRC OUT

SRC holds the pack's files as a kiosk would install them (manifest.json,
manifest.sig, programme.json, media/...); `SRC/order` lists them, one per
line, in archive order. CASE says how the archive is written or what is
wrong with it; every case but the `ok-*` ones must be refused.
"""

import io
import os
import sys
import tarfile

case, src, out = sys.argv[1:4]
order = open(os.path.join(src, "order")).read().split()


def info(name, data=b"", kind=tarfile.REGTYPE):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.size = len(data)
    ti.mode = 0o644
    ti.mtime = 1_790_000_000
    return ti


def add_all(tar, names=order):
    for name in names:
        data = open(os.path.join(src, name), "rb").read()
        tar.addfile(info(name, data), io.BytesIO(data))


FORMATS = {
    "ok-pax": tarfile.PAX_FORMAT,
    "ok-gnu": tarfile.GNU_FORMAT,
    "ok-ustar": tarfile.USTAR_FORMAT,
}

if case in FORMATS:
    with tarfile.open(out, "w", format=FORMATS[case]) as tar:
        add_all(tar)
elif case == "pax-huge-name":
    # A 64 MiB name in a PAX header in front of manifest.json.
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(info("x" * (64 << 20)), io.BytesIO(b""))
elif case == "gnu-huge-name":
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as tar:
        tar.addfile(info("x" * (64 << 20)), io.BytesIO(b""))
elif case in ("pax-size-minus-one", "pax-size-huge"):
    size = "-1" if case == "pax-size-minus-one" else str(10**20)
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        add_all(tar, order[:2])
        # tarfile writes any pax header it is given, valid or not.
        ti = info(order[2], b"")
        ti.pax_headers = {"size": size}
        tar.addfile(ti, io.BytesIO(b""))
elif case == "global-header":
    with tarfile.open(
        out, "w", format=tarfile.PAX_FORMAT, pax_headers={"comment": "global"}
    ) as tar:
        add_all(tar)
elif case == "second-archive":
    # A genuine pack, then a second archive holding a link to /etc/shadow.
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as tar:
        add_all(tar)
    with open(out, "ab") as f:
        with tarfile.open(fileobj=f, mode="w", format=tarfile.GNU_FORMAT) as tar:
            link = info("media/shadow", kind=tarfile.SYMTYPE)
            link.linkname = "/etc/shadow"
            tar.addfile(link)
elif case == "after-one-zero-block":
    # One zero block, then an entry: tools that stop at the first zero
    # block never see it.
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        add_all(tar)
    body = buf.getvalue()
    end = len(body.rstrip(b"\0"))
    end += (-end) % 512
    hidden = info("media/hidden.txt", b"hidden").tobuf(tarfile.GNU_FORMAT)
    with open(out, "wb") as f:
        f.write(body[:end] + b"\0" * 512 + hidden + b"hidden".ljust(512, b"\0") + b"\0" * 1024)
elif case == "folder-with-data":
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as tar:
        add_all(tar, order[:2])
        folder = info("media", kind=tarfile.DIRTYPE)
        tar.addfile(folder)
        add_all(tar, order[2:])
    # Give the folder entry a data size without changing anything else.
    raw = bytearray(open(out, "rb").read())
    at = raw.index(b"media/\0")
    header = tarfile.TarInfo.frombuf(bytes(raw[at : at + 512]), "utf-8", "strict")
    header.size = 512
    raw[at : at + 512] = header.tobuf(tarfile.GNU_FORMAT)
    raw[at + 512 : at + 512] = b"D" * 512
    open(out, "wb").write(bytes(raw))
elif case == "padding-bytes":
    # Bytes hidden in the padding after the programme's data.
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as tar:
        add_all(tar)
    raw = bytearray(open(out, "rb").read())
    name = order[2].encode()
    at = raw.index(name + b"\0")
    size = os.path.getsize(os.path.join(src, order[2]))
    pad_at = at + 512 + size
    assert size % 512 != 0, "the case needs a file that does not fill its last block"
    raw[pad_at] = ord("!")
    open(out, "wb").write(bytes(raw))
elif case == "fifo":
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as tar:
        add_all(tar, order[:2])
        tar.addfile(info("media/pipe", kind=tarfile.FIFOTYPE))
        add_all(tar, order[2:])
else:
    sys.exit(f"unknown case {case}")
