#!/usr/bin/env python3
"""Measures a GUI program's start: the time from just before the process is
started to the first frame it puts on screen, and its peak resident memory.

Usage: first-frame.py [--pin PIN] -- PROGRAM ARGS...   (with DISPLAY set)

The display's root must be black where the program draws (run Xvfb with -br):
the first frame is the moment the pixel at the screen's centre stops being
black, read with XGetImage every half millisecond through libX11 (ctypes, no
Python packages). After that it waits 2 s (or, with --pin, types the PIN and
Enter with xdotool to reach the home screen, and waits 2 s), then reads
VmHWM (peak RSS) from /proc, and stops the program. Prints
`first_frame_ms=…` and `peak_rss_kib=…` lines."""

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time

ZPIXMAP = 2


def main() -> int:
    args = sys.argv[1:]
    pin = None
    if args[:1] == ["--pin"]:
        pin, args = args[1], args[2:]
    if args[:1] != ["--"] or len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    command = args[1:]

    x11 = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XDisplayWidth.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x11.XDisplayHeight.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x11.XGetImage.restype = ctypes.c_void_p
    x11.XGetImage.argtypes = [
        ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
        ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int,
    ]
    x11.XGetPixel.restype = ctypes.c_ulong
    x11.XGetPixel.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    x11.XDestroyImage.argtypes = [ctypes.c_void_p]

    display = x11.XOpenDisplay(None)
    if not display:
        print("first-frame: cannot open the display (is DISPLAY set?)", file=sys.stderr)
        return 1
    root = x11.XDefaultRootWindow(display)
    cx, cy = x11.XDisplayWidth(display, 0) // 2, x11.XDisplayHeight(display, 0) // 2

    def centre_pixel() -> int:
        image = x11.XGetImage(display, root, cx, cy, 1, 1, 0xFFFFFFFF, ZPIXMAP)
        if not image:
            return 0
        pixel = x11.XGetPixel(image, 0, 0) & 0xFFFFFF
        x11.XDestroyImage(image)
        return pixel

    if centre_pixel() != 0:
        print("first-frame: the screen centre is not black before start (run Xvfb with -br)", file=sys.stderr)
        return 1

    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first_frame = None
    while time.perf_counter() - start < 30:
        if centre_pixel() != 0:
            first_frame = time.perf_counter() - start
            break
        if process.poll() is not None:
            print("first-frame: the program exited:", process.stderr.read().decode(errors="replace"), file=sys.stderr)
            return 1
        time.sleep(0.0005)
    if first_frame is None:
        process.kill()
        print("first-frame: nothing drawn within 30 s", file=sys.stderr)
        return 1

    if pin:
        time.sleep(0.5)
        subprocess.run(["xdotool", "type", "--delay", "20", pin], check=True)
        subprocess.run(["xdotool", "key", "Return"], check=True)
    time.sleep(2)
    peak_kib = None
    with open(f"/proc/{process.pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                peak_kib = int(line.split()[1])
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
    print(f"first_frame_ms={first_frame * 1000:.1f}")
    print(f"peak_rss_kib={peak_kib}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
