#!/usr/bin/env python3
"""Measures the real TUI on a pty: time to the first frame, bytes written for a one-row
move, time for that redraw, and peak memory. Usage:

    cargo build --release
    target/release/jixiao --data /tmp/s10k demo --seed-only --scale 10000
    python3 benches/tui_pty.py target/release/jixiao /tmp/s10k
"""
import os, pty, select, signal, statistics, struct, sys, termios, time, fcntl

binary, data = sys.argv[1], sys.argv[2]
COLS, ROWS = 120, 40

def spawn():
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(binary, [binary, "--data", data])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    return pid, fd

def read_until_quiet(fd, quiet=0.15, limit=5.0):
    out, start, last = b"", time.perf_counter(), time.perf_counter()
    while time.perf_counter() - start < limit:
        r, _, _ = select.select([fd], [], [], 0.02)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            out += chunk
            last = time.perf_counter()
        elif out and time.perf_counter() - last > quiet:
            break
    return out

firsts = []
for _ in range(5):
    t0 = time.perf_counter()
    pid, fd = spawn()
    buf = b""
    while time.perf_counter() - t0 < 10:
        r, _, _ = select.select([fd], [], [], 0.001)
        if r:
            buf += os.read(fd, 65536)
            # The header row and the totals line are both in the first full frame.
            if "万元".encode() in buf and "编号".encode() in buf:
                firsts.append(time.perf_counter() - t0)
                break
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(fd)
    time.sleep(0.2)
first = statistics.median(firsts) if firsts else None
pid, fd = spawn()
read_until_quiet(fd)
print(f"first frame after start: median of {len(firsts)} runs {first*1000:.1f} ms" if first else "first frame: not seen")

sizes, times = [], []
for i in range(40):
    key = b"j" if i % 2 == 0 else b"k"
    # A single key, not key repeat: keys coming faster than ~60 ms apart are drawn at most
    # once per frame interval (src/tui/pace.rs).
    time.sleep(0.1)
    t = time.perf_counter()
    os.write(fd, key)
    got = b""
    # Wait for the frame (the redraw ends with the cursor/status writes), then for quiet.
    while True:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            break
        got += os.read(fd, 65536)
        if got and not select.select([fd], [], [], 0.01)[0]:
            break
    times.append(time.perf_counter() - t)
    sizes.append(len(got))
print(f"one-row move: bytes written median {statistics.median(sizes):.0f}, max {max(sizes)}; round trip median {statistics.median(times)*1000:.2f} ms")

def key_and_wait(fd, key):
    """Sends `key`, returns the bytes of the redraw (read until 150 ms of quiet)."""
    os.write(fd, key)
    return read_until_quiet(fd, quiet=0.15, limit=3.0)

def frames_in(b):
    # Every frame hides the cursor once (ratatui), before and after synchronized output came.
    return b.count(b"\x1b[?25l")

# Issue 15: a one-row move that scrolls the list. Go to the last visible row first, then
# every `j` scrolls the list by one row.
key_and_wait(fd, b"j" * (ROWS + 5))
scroll_sizes = [len(key_and_wait(fd, b"j")) for _ in range(20)]
print(f"one-row move that scrolls the list: bytes median {statistics.median(scroll_sizes):.0f}, max {max(scroll_sizes)}")

# Held keys: 30 `j`s sent 16 ms apart (key repeat). Frames drawn, bytes, and how long after
# the last key the screen kept changing.
out, t_last, last_byte = b"", 0.0, 0.0
for i in range(30):
    os.write(fd, b"j")
    t_last = time.perf_counter()
    end = t_last + 0.016
    while True:
        left = end - time.perf_counter()
        if left <= 0:
            break
        r, _, _ = select.select([fd], [], [], left)
        if r:
            out += os.read(fd, 65536)
            last_byte = time.perf_counter()
while True:
    r, _, _ = select.select([fd], [], [], 0.5)
    if not r:
        break
    out += os.read(fd, 65536)
    last_byte = time.perf_counter()
print(f"30 j sent 16 ms apart: {frames_in(out)} frames, {len(out)} bytes, last byte {(last_byte - t_last) * 1000:.0f} ms after the last key (negative: the last frame came before it)")

with open(f"/proc/{pid}/status") as f:
    for line in f:
        if line.startswith(("VmHWM", "VmRSS")):
            print(line.strip())
os.write(fd, b"q")
time.sleep(0.3)
try:
    os.kill(pid, signal.SIGTERM)
except ProcessLookupError:
    pass
os.waitpid(pid, 0)
