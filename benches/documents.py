#!/usr/bin/env python3
"""Whole-process timings of the documents: `jixiao report CODE` as Markdown and as .docx, the
score table as XLSX, and a notice as a 公文 .docx (start to exit, output to a file). Median and
worst of N runs, and peak memory of the children.

    target/release/jixiao --data /tmp/s10k demo --seed-only --scale 10000
    python3 benches/documents.py target/release/jixiao /tmp/s10k [RUNS] [--local]
"""
import json, os, resource, statistics, subprocess, sys, tempfile, time

binary, data = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3].isdigit() else 15
# --local: each process opens the store itself; else through jixiao serve (started on demand).
flags = ["--local"] if "--local" in sys.argv[3:] else []
out_dir = tempfile.mkdtemp(prefix="jixiao-docs-")

def jixiao(*args, **kw):
    return subprocess.run([binary, "--data", data, *flags, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True, **kw)

def first_notice():
    rows = json.loads(jixiao("ledger", "--format", "json").stdout)
    return next(r["notice"] for r in rows if r.get("notice"))

def timed(name, args):
    jixiao(*args)  # warm: the first call starts the server when there is none
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        jixiao(*args)
        times.append((time.perf_counter() - start) * 1000)
    print(f"{name:<34} median {statistics.median(times):7.1f} ms   worst {max(times):7.1f} ms")

notice = first_notice()
timed("report ZD21-06 (md, stdout)", ["report", "ZD21-06"])
timed("report ZD21-06 --format docx", ["report", "ZD21-06", "-o", os.path.join(out_dir, "报告.docx")])
timed("report --table-only xlsx", ["report", "ZD21-06", "--table-only", "-o", os.path.join(out_dir, "评分表.xlsx")])
timed(f"notice {notice} docx", ["notice", notice, "-o", os.path.join(out_dir, "通知书.docx")])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"peak memory of one process: {peak:.1f} MiB ({'--local' if flags else 'through the server'}, {runs} runs)")
