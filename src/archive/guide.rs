//! `VERIFY.md`: what the dossier is and how to check it without jixiao, in Chinese then
//! English. The Python script in it is the one `tests/archive.rs` runs.

/// The audit-chain check, standard library only (the first ```python block of VERIFY.md).
pub const PYTHON: &str = r#"import hashlib, json, sys

ok, last_id, last_hash = True, None, None
with open("audit.jsonl", encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        line = json.loads(line)
        record = line["record"]
        canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256((line["prev"] + "\n" + canonical).encode("utf-8")).hexdigest()
        rid = record["id"]
        if digest != line["hash"]:
            ok = False
            print(f"第 {n} 行（审计记录 {rid}）哈希不符 / line {n} (record {rid}): hash mismatch")
        if last_id is not None and rid <= last_id:
            ok = False
            print(f"第 {n} 行（审计记录 {rid}）编号没有递增 / line {n} (record {rid}): ids not increasing")
        if last_id is not None and rid == last_id + 1 and line["prev"] != last_hash:
            ok = False
            print(f"第 {n} 行（审计记录 {rid}）没有接上前一条 / line {n} (record {rid}): prev is not the hash before it")
        if rid == 1 and line["prev"] != "0" * 64:
            ok = False
            print(f"第 {n} 行（审计记录 1）的 prev 不是全 0 / line {n} (record 1): prev is not the genesis")
        last_id, last_hash = rid, line["hash"]
print("审计链核验通过 / audit chain OK" if ok else "审计链核验未通过 / audit chain FAILED")
sys.exit(0 if ok else 1)
"#;

/// The one-line check that every evidence file's content has the sha256 its name starts with.
pub const SHELL: &str = r#"for f in evidence/*; do [ -e "$f" ] || continue; n=${f#evidence/}; [ "$(sha256sum < "$f" | cut -c1-64)" = "${n%%-*}" ] || echo "不符 MISMATCH: $f"; done"#;

pub fn text(code: &str, name: &str) -> String {
    format!(
        r#"# 归档包核验说明 / How to verify this dossier

项目 / Project: {code} {name}

## 中文

这是 jixiao 为项目 {code} 导出的归档包：

- `project.json`：项目的全部记录（jixiao 导出包，可用 `jixiao import project.json` 导入空库还原）；
- `documents/`：已下发的整改通知书（.md / .txt / .docx）和已出具的评价报告各版（.md / .docx，评分表 .xlsx），与 `jixiao notice`、`jixiao report --revision N` 打印的相同。归档包不含 PDF：需要时用 `jixiao notice 编号 --format pdf -o 通知书.pdf`（报告用 `jixiao report {code} --revision N --format pdf -o 报告.pdf`），由本机 LibreOffice 排出；
- `evidence/`：项目评分、问题、整改事项和整改回复所附的佐证文件，文件名为 `<sha256>-<原文件名>`；`evidence.csv` 是佐证清单（含只有名称、没有文件的资料，其 sha256 为空）；
- `audit.jsonl`：涉及本项目的审计记录，按编号排列，每行 `{{"hash":…,"prev":…,"record":…}}`：hash = sha256(prev + 换行 + record 的规范 JSON)，prev 是库中哈希链上前一条记录的 hash（第 1 条之前是 64 个 0）；
- `MANIFEST.sha256`：以上每个文件（含本说明）的 sha256，按路径排序。清单本身的 sha256 写在纸质档案上。

核验步骤（在归档包目录中执行；zip 先解压）：

1. 核对清单本身：`sha256sum MANIFEST.sha256`，结果应与纸质档案上记录的值相同。
2. 核对每个文件：`sha256sum -c MANIFEST.sha256`，每行应为「OK」/「成功」。另外，目录中不应有清单之外的文件。
3. 核对佐证文件名：

```sh
{SHELL}
```

   没有输出即全部相符。
4. 核对审计链：把下面的脚本存到归档包目录之外（如 `~/check_audit.py`，放进目录会成为清单之外的文件），在归档包目录中运行 `python3 ~/check_audit.py`（只用 Python 3 标准库）：

```python
{PYTHON}```

   它逐行重算 hash，检查编号递增、编号相邻的记录前后相接。
5. 装有 jixiao 时，`jixiao verify 本目录或 zip` 一次完成以上全部检查，并核对 `project.json` 与审计记录一致。

## English

A dossier jixiao exported for project {code}: `project.json` (the project's whole record as a
jixiao bundle; `jixiao import project.json` into an empty store restores it), `documents/` (the
issued notices as .md/.txt/.docx and every issued report revision as .md/.docx with its score
table as .xlsx, exactly as `jixiao notice` and `jixiao report --revision N` print them; no PDF:
`jixiao notice NUMBER --format pdf -o notice.pdf` makes one through LibreOffice), `evidence/`
(every evidence file, named `<sha256>-<original name>`, listed in `evidence.csv` with the
documents that have no file), `audit.jsonl` (the audit records touching the project in id
order, each line `{{"hash":…,"prev":…,"record":…}}` with hash = sha256(prev + "\n" + the record
as compact JSON with sorted keys), prev being the hash before it in the store's chain, 64 zeros
before record 1) and `MANIFEST.sha256` (every other file, this one included, sorted by path).

To verify, in the dossier's directory (unzip first):

1. `sha256sum MANIFEST.sha256` must print the value written on the paper file.
2. `sha256sum -c MANIFEST.sha256` must say OK for every file; no file may be there that the
   manifest does not list.
3. The shell line above prints nothing when every evidence file's content has the sha256 its
   name starts with.
4. `python3 ~/check_audit.py`, the script above saved outside the dossier (inside it would be a
   file the manifest does not list; standard library only), recomputes every audit
   line's hash from its prev and record, checks the ids increase and that a record whose id
   follows the previous line's continues from its hash.
5. With jixiao installed, `jixiao verify DIR|FILE.zip` does all of this and also checks that
   `project.json` agrees with the audit records.
"#
    )
}
