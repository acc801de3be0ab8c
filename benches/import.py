#!/usr/bin/env python3
"""Whole-process timings of the spreadsheet imports (issue: "importing a 10,000-row case list
< 5 s whole process; a 60-row indicator sheet < 200 ms"): each run starts jixiao on a fresh
store and imports, start to exit. The sheets are written as CSV here and converted to .xlsx by
LibreOffice when `soffice` is installed (else only the CSV timings are printed).

    cargo build --release
    python3 benches/import.py target/release/jixiao [RUNS]
"""
import os, resource, shutil, statistics, subprocess, sys, tempfile, time

binary = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
work = tempfile.mkdtemp(prefix="jixiao-import-")
TYPES = ["部门整体支出评价", "重点项目支出评价", "事前绩效评估", "自评抽查"]

def cases_csv(n):
    lines = ["2021 年部门整体支出和专项支出重点绩效评价项目表", ",,,,,单位：万元", "序号,项目类型,项目名称,主管或实施单位,金额,备注"]
    for i in range(n):
        kind = TYPES[i % len(TYPES)] if i % 50 == 0 else ""
        lines.append(f"{i + 1},{kind},第{i + 1}号专项资金项目,第{i % 97 + 1}局,{(i % 9000) + 12.34:.2f},购买服务")
    return "\n".join(lines) + "\n"

def indicators_csv(n):
    lines = ["项目支出绩效自评表", "（2020年度）", "项目名称,城乡居民最低生活保障资金", "主管部门,县民政局",
             "一级指标,二级指标,三级指标,指标性质,年度指标值,度量单位,实际完成值,分值,得分,偏差原因分析及改进措施"]
    for i in range(n):
        l1 = ["产出", "效益", "满意度"][i * 3 // n]
        l2 = f"第{i // 6 + 1}组指标"
        lines.append(f"{l1},{l2},第{i + 1}项指标,≥,≥{90 + i % 10}%,%,{85 + i % 15}.5%,{100 / n:.2f},1.5,")
    lines.append(f"总分,,,,,,,100,{1.5 * n:.2f},")
    return "\n".join(lines) + "\n"

def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    if shutil.which("soffice"):
        subprocess.run(["soffice", "--headless", "--infilter=CSV:44,34,76", "--convert-to", "xlsx", "--outdir", work, path],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    return path

def timed(label, file, args):
    times = []
    for r in range(runs):
        data = os.path.join(work, f"store-{label}-{r}")
        if "--project" in args:  # the project must exist for an indicator table
            subprocess.run([binary, "--local", "--data", data, "exec"], input='{"cmd":"create_project","code":"CC21-01","name":"低保资金","kind":"自评抽查","fiscal_year":2020,"unit":"民政局","amount":"5300"}\n',
                           text=True, stdout=subprocess.DEVNULL, check=True)
        start = time.perf_counter()
        subprocess.run([binary, "--local", "--data", data, "import", file, *args], stdout=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<40} median {statistics.median(times):8.1f} ms   worst {max(times):8.1f} ms")

cases = write("cases-10000.csv", cases_csv(10_000))
sheet = write("indicators-60.csv", indicators_csv(60))
timed("cases 10,000 rows (.csv)", cases, ["--as", "cases"])
timed("indicators 60 rows (.csv)", sheet, ["--as", "indicators", "--project", "CC21-01"])
for name, label, args in [("cases-10000.xlsx", "cases 10,000 rows (.xlsx)", ["--as", "cases"]),
                          ("indicators-60.xlsx", "indicators 60 rows (.xlsx)", ["--as", "indicators", "--project", "CC21-01"])]:
    if os.path.exists(os.path.join(work, name)):
        timed(label, os.path.join(work, name), args)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"peak memory of one process: {peak:.1f} MiB ({runs} runs each, --local)")
shutil.rmtree(work)
