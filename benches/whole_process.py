#!/usr/bin/env python3
"""Whole-process timings of the deadline faces on a real store: `jixiao due --within 30`
(start to exit, output to a pipe) and the workbench's dashboard first frame (start, `d`
typed at once, until the dashboard is on the pty). Median of N runs, and peak memory.

    target/release/jixiao --data /tmp/s10k demo --seed-only --scale 10000
    python3 benches/whole_process.py target/release/jixiao /tmp/s10k [RUNS] [--local] [--after-write]
"""
import fcntl, os, pty, resource, select, signal, statistics, struct, subprocess, sys, termios, time

binary, data = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3].isdigit() else 20
# --local: each process opens the store itself; else through jixiao serve (started on demand).
flags = ["--local"] if "--local" in sys.argv[3:] else []
# --after-write: a command that moves a project's row, summary and deadlines is committed
# before each run (what a team server sees while others work).
after_write = "--after-write" in sys.argv[3:]

def write():
    line = '{"cmd": "add_milestone", "project": "SC-000732", "title": "补充佐证材料", "kind": "其他", "due": "2026-12-20"}\n'.encode()
    subprocess.run([binary, "--data", data, *flags, "exec"], input=line, stdout=subprocess.DEVNULL, check=True)

def warm():
    # Through a server: the first call starts it (its start is not what is measured).
    if not flags:
        subprocess.run([binary, "--data", data, "due"], stdout=subprocess.DEVNULL)
        time.sleep(0.5)

def due():
    times = []
    for _ in range(runs):
        if after_write:
            write()
        t = time.perf_counter()
        p = subprocess.run([binary, "--data", data, *flags, "due", "--within", "30"], stdout=subprocess.PIPE, env={**os.environ, "COLUMNS": "80"})
        times.append(time.perf_counter() - t)
        assert p.returncode == 0
    rows = p.stdout.count(b"\n") - 2
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"due --within 30: {rows} rows; median {statistics.median(times)*1000:.1f} ms, min {min(times)*1000:.1f} ms; peak RSS {peak:.1f} MB")

def dashboard():
    times, peaks = [], []
    for _ in range(max(5, runs // 4)):
        if after_write:
            write()
        t0 = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            os.environ["TERM"] = "xterm-256color"
            os.execv(binary, [binary, "--data", data, *flags])
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.write(fd, b"d")
        buf = b""
        while time.perf_counter() - t0 < 10:
            if select.select([fd], [], [], 0.001)[0]:
                buf += os.read(fd, 65536)
                if "期限看板".encode() in buf and "问题类别".encode() in buf:
                    times.append(time.perf_counter() - t0)
                    break
        time.sleep(0.3)
        with open(f"/proc/{pid}/status") as f:
            peaks += [int(l.split()[1]) / 1024 for l in f if l.startswith("VmHWM")]
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    print(f"dashboard first frame from start: median of {len(times)} runs {statistics.median(times)*1000:.1f} ms; peak RSS {max(peaks):.1f} MB")

warm()
print("mode:", "--local (each process opens the store)" if flags else "through jixiao serve", "· after a write" if after_write else "")
due()
dashboard()
