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
