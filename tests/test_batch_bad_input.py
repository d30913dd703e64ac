"""A bad record is one bad record: every line, row or file that cannot be read becomes an error
line naming where it is, and the batch goes on (issue "One bad line ends the batch for good").

Only what makes the whole input unusable — nothing in it, a CSV that is not UTF-8, a table
without its id column — stops the batch before anything is scored (exit 2).
"""

from __future__ import annotations

import csv
import json
import os
import re
import zipfile

import pytest
import yaml
from batchkit import PACK, by_key, docs, line, results, write_jsonl, write_lines
from conftest import run_cli

from jixiao.batch import run_batch

BAD_LINES = {
    "utf8": (lambda ok: ok[:40] + b"\xff\xfe" + ok[40:], "FACTS_ENCODING", "不是有效的 UTF-8"),
    "nested": (lambda ok: b"[" * 5000 + b"]" * 5000, "INPUT_LIMIT", "嵌套"),
    "nested-40": (
        lambda ok: b'{"department": {"id": "y"}, "facts": {"a": ' + b"[" * 40 + b"]" * 40 + b"}}",
        "INPUT_LIMIT",
        "嵌套层数",
    ),
    "not-json": (lambda ok: b"department: x", "FACTS_FORMAT", "不是有效的 JSON"),
    "truncated": (lambda ok: ok[: len(ok) // 2], "FACTS_FORMAT", "不是有效的 JSON"),
    "array": (lambda ok: b"[1, 2, 3]", "FACTS_FORMAT", ""),  # worded by facts.normalise_document
    "no-id": (lambda ok: b'{"facts": {}}', "FACTS_FORMAT", ""),
    "surrogate": (lambda ok: b'{"department": {"id": "s\\ud800"}, "facts": {}}', "FACTS_ENCODING", "代理项"),
    "nul": (lambda ok: b"\x00" * 100, "FACTS_FORMAT", "不是有效的 JSON"),
}


def _batch(inp, out, *extra):
    return run_cli("batch", inp, "-r", PACK, "-o", out, "--rules", "python", "-j", "2", "-q", *extra)


def test_each_kind_of_bad_jsonl_line_is_one_error_line_and_the_batch_goes_on(tmp_path):
    documents = docs(45, seed=4)
    lines = [line(d) for d in documents]
    bad_at = {}
    for i, (kind, (make, code, words)) in enumerate(BAD_LINES.items()):
        n = 2 + 3 * i
        lines[n] = make(lines[n])
        bad_at[n + 1] = (kind, code, words)
    lines.insert(0, b"   ")  # blank lines are no records
    write_lines(tmp_path / "in.jsonl", lines)
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out")
    assert out.exit_code == 1, out.stderr
    recs = by_key(tmp_path / "out")
    for n, (kind, code, words) in bad_at.items():
        rec = recs[f"line:{n + 1}"]  # +1: the blank first line
        assert rec["status"] == "error" and rec["problems"][0]["code"] == code, (kind, rec)
        assert f"in.jsonl 第 {n + 1} 行" in rec["problems"][0]["message"] and words in rec["problems"][0]["message"], (
            kind,
            rec,
        )
    good = [
        d["department"]["id"] for i, d in enumerate(documents) if i + 1 not in bad_at and d["department"]["id"] != "x"
    ]
    assert all(recs[k]["status"] == "scored" for k in good)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["scored"] == len(good) and len(summary["failed"]) == len(bad_at)
    assert "Traceback" not in out.stderr


def test_a_record_with_too_many_facts_is_one_error(tmp_path):
    lines = [line(d) for d in docs(3, seed=4)]
    lines[1] = json.dumps({"department": {"id": "m"}, "facts": {f"f{i}": i for i in range(20_000)}}).encode()
    write_lines(tmp_path / "in.jsonl", lines)
    assert _batch(tmp_path / "in.jsonl", tmp_path / "out").exit_code == 1
    rec = by_key(tmp_path / "out")["m"]
    assert (
        rec["status"] == "error"
        and rec["problems"][0]["code"] == "INPUT_LIMIT"
        and "20,000 项事实" in rec["problems"][0]["message"]
    )


def test_a_5000_digit_number_is_refused_as_that_fact(tmp_path):
    """A number of 5,000 digits is read as written and refused where it is used, naming the fact; the rest scores."""
    documents = docs(5, seed=4)
    lines = [line(d) for d in documents]
    lines[2] = b'{"department": {"id": "x"}, "facts": {"annual_budget": ' + b"9" * 5000 + b"}}"
    write_lines(tmp_path / "in.jsonl", lines)
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out")
    assert out.exit_code == 1, out.stderr
    rec = by_key(tmp_path / "out")["x"]
    assert rec["status"] == "incomplete"
    assert any(p["code"] == "FACT_LIMIT" and "全年预算数" in p["message"] for p in rec["problems"]), rec["problems"]


def test_a_bad_line_is_named_again_on_every_rerun_not_fatal(tmp_path):
    lines = [line(d) for d in docs(5, seed=4)]
    lines[2] = b'{"department": {"id": "x"}, "facts": {"a": "\xff"}}'  # not UTF-8: the line cannot be read
    write_lines(tmp_path / "in.jsonl", lines)
    assert _batch(tmp_path / "in.jsonl", tmp_path / "out").exit_code == 1
    again = _batch(tmp_path / "in.jsonl", tmp_path / "out")
    assert again.exit_code == 1 and "跳过已完成 5 个" in again.stdout and "line:3" in again.stdout


def test_first_line_with_a_byte_order_mark_and_windows_line_ends(tmp_path):
    lines = [line(d) for d in docs(3, seed=4)]
    (tmp_path / "in.jsonl").write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(lines) + b"\r\n")
    report = run_batch(tmp_path / "in.jsonl", PACK, tmp_path / "out", jobs=1, rules="python")
    assert report.ok and report.scored == 3


def test_an_over_long_line_is_refused_in_bounded_memory(tmp_path):
    lines = [line(d) for d in docs(3, seed=4)]
    lines[1] = b'{"department": {"id": "huge", "name": "' + b"x" * 3_000_000 + b'"}, "facts": {}}'
    write_lines(tmp_path / "in.jsonl", lines)
    out = run_cli(
        "--limit",
        "record-mb=1",
        "batch",
        tmp_path / "in.jsonl",
        "-r",
        PACK,
        "-o",
        tmp_path / "out",
        "--rules",
        "python",
        "-j",
        "2",
        "-q",
    )
    assert out.exit_code == 1
    rec = by_key(tmp_path / "out")["line:2"]
    assert rec["problems"][0]["code"] == "INPUT_LIMIT" and "--limit record-mb=" in rec["problems"][0]["message"]
    assert [r["key"] for r in results(tmp_path / "out")][2] == "synth-4-00002"
    out = run_cli(
        "--limit",
        "record-mb=4",
        "batch",
        tmp_path / "in.jsonl",
        "-r",
        PACK,
        "-o",
        tmp_path / "o2",
        "--rules",
        "python",
        "-j",
        "2",
        "-q",
    )
    assert by_key(tmp_path / "o2")["huge"]["status"] == "incomplete"  # read: a department without facts


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"], ids=["empty", "blank"])
def test_an_empty_jsonl_is_a_user_mistake(tmp_path, content):
    (tmp_path / "in.jsonl").write_bytes(content)
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out")
    assert out.exit_code == 2 and "错误 [BATCH_EMPTY_INPUT]" in out.stderr and "in.jsonl" in out.stderr
    assert not (tmp_path / "out").exists()


def test_an_empty_folder_and_a_header_only_csv_are_user_mistakes(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not a facts file", encoding="utf-8")
    out = _batch(tmp_path / "empty", tmp_path / "o1")
    assert out.exit_code == 2 and "[BATCH_EMPTY_INPUT]" in out.stderr
    (tmp_path / "rows.csv").write_text("department_id,department_name,annual_budget\n", encoding="utf-8")
    out = _batch(tmp_path / "rows.csv", tmp_path / "o2")
    assert out.exit_code == 2 and "[BATCH_EMPTY_INPUT]" in out.stderr


def test_missing_or_unknown_input_is_a_user_mistake(tmp_path):
    out = _batch(tmp_path / "nowhere.jsonl", tmp_path / "o")
    assert out.exit_code == 2 and "错误 [FACTS_FILE]" in out.stderr and "找不到批量输入" in out.stderr
    (tmp_path / "in.txt").write_text("x", encoding="utf-8")
    out = _batch(tmp_path / "in.txt", tmp_path / "o")
    assert out.exit_code == 2 and "[FACTS_FILE]" in out.stderr


def _csv_rows(reference_doc) -> tuple[list[str], list[str]]:
    facts = {k: ("true" if v is True else "false" if v is False else str(v)) for k, v in reference_doc["facts"].items()}
    return ["department_id", "department_name"] + list(facts), list(facts.values())


def test_a_gbk_csv_is_a_user_mistake_that_says_so(tmp_path, reference_doc):
    header, values = _csv_rows(reference_doc)
    text = ",".join(header) + "\n" + ",".join(["a", "区财政局"] + values) + "\n"
    (tmp_path / "rows.csv").write_bytes(text.replace("department_name", "部门名称").encode("gbk"))
    out = _batch(tmp_path / "rows.csv", tmp_path / "out")
    assert (
        out.exit_code == 2 and "错误 [FACTS_ENCODING]" in out.stderr and "GBK" in out.stderr and "UTF-8" in out.stderr
    )


def test_bad_csv_rows_are_error_lines(tmp_path, reference_doc):
    header, values = _csv_rows(reference_doc)
    with (tmp_path / "rows.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerow(["a", "甲"] + values)
        w.writerow(["b", "乙"] + values + ["", "surplus"])
        w.writerow(["", "丙"] + values)
        w.writerow(["d", "x" * 200_000] + values)
        w.writerow(["e", "戊"] + values)
    data = (tmp_path / "rows.csv").read_bytes().replace("戊".encode(), b"\xce\xec")  # one row's name in GBK
    (tmp_path / "rows.csv").write_bytes(data)
    out = _batch(tmp_path / "rows.csv", tmp_path / "out")
    assert out.exit_code == 1
    recs = by_key(tmp_path / "out")
    assert recs["a"]["status"] == "scored"
    assert (
        recs["row:3"]["problems"][0]["code"] == "FACTS_FORMAT" and "多于列名" in recs["row:3"]["problems"][0]["message"]
    )
    assert (
        recs["row:4"]["problems"][0]["code"] == "FACTS_FORMAT"
        and "缺少部门编号" in recs["row:4"]["problems"][0]["message"]
    )
    assert recs["row:5"]["problems"][0]["code"] == "INPUT_LIMIT"
    assert (
        recs["row:6"]["problems"][0]["code"] == "FACTS_ENCODING"
        and "rows.csv 第 6 行" in recs["row:6"]["problems"][0]["message"]
    )


def test_a_formula_in_an_xlsx_table_is_refused_not_taken_from_its_cache(tmp_path, reference_doc):
    """As for a facts workbook: the value Excel last cached for a formula is not trusted (another program
    may have changed its inputs without recalculating), and a formula without a cache is not a missing fact."""
    from openpyxl import Workbook

    header, values = _csv_rows(reference_doc)
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for dept in ("a", "b", "c"):
        ws.append([dept, dept] + values)
    column = header.index("staffed_headcount") + 1
    ws.cell(row=3, column=column).value = "=30+7"
    ws.cell(row=4, column=column).value = "=30+7"
    wb.save(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as src, zipfile.ZipFile(tmp_path / "rows.xlsx", "w") as dst:
        for item in src.infolist():  # row 3's formula gets the cached value Excel would have saved
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'(<c r="[A-Z]+3"[^>]*><f>30\+7</f>)<v\s*/>|(<c r="[A-Z]+3"[^>]*><f>30\+7</f>)<v></v>',
                    lambda m: (m.group(1) or m.group(2)) + b"<v>37</v>",
                    data,
                )
                assert b"<v>37</v>" in data
            dst.writestr(item, data)
    out = _batch(tmp_path / "rows.xlsx", tmp_path / "out")
    assert out.exit_code == 1
    recs = by_key(tmp_path / "out")
    assert recs["a"]["status"] == "scored"
    letter = ws.cell(row=3, column=column).column_letter
    for row in (3, 4):
        problem = recs[f"row:{row}"]["problems"][0]
        assert problem["code"] == "FACTS_FORMAT" and problem["field"] == "staffed_headcount"
        assert (
            f"staffed_headcount 列的 {letter}{row}（=30+7）是公式" in problem["message"]
            and "选择性粘贴" in problem["message"]
        )


def test_a_csv_with_a_repeated_column_or_too_many_columns_is_refused(tmp_path):
    (tmp_path / "rows.csv").write_text("department_id,annual_budget,annual_budget\na,1,2\n", encoding="utf-8")
    out = _batch(tmp_path / "rows.csv", tmp_path / "out")
    assert out.exit_code == 2 and "annual_budget" in out.stderr and "两次" in out.stderr
    (tmp_path / "wide.csv").write_text(
        "department_id," + ",".join(f"c{i}" for i in range(50_000)) + "\na\n", encoding="utf-8"
    )
    out = _batch(tmp_path / "wide.csv", tmp_path / "out")
    assert out.exit_code == 2 and "[INPUT_LIMIT]" in out.stderr and "50,001 列" in out.stderr


def test_bad_files_in_a_folder_are_error_lines(tmp_path, reference_doc):
    folder = tmp_path / "in"
    folder.mkdir()
    good = json.loads(json.dumps(reference_doc, default=str))
    (folder / "good.yaml").write_text(yaml.safe_dump(good, allow_unicode=True), encoding="utf-8")
    (folder / "gbk.yaml").write_bytes(
        yaml.safe_dump({**good, "department": {"id": "g", "name": "区财政局"}}, allow_unicode=True).encode("gbk")
    )
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    )
    (folder / "bomb.yaml").write_text(bomb + "facts: {x: *i}\ndepartment: {id: bomb}\n", encoding="utf-8")
    (folder / "deep.json").write_text("[" * 3000 + "]" * 3000, encoding="utf-8")
    (folder / "~$good.xlsx").write_bytes(b"lock file of an open workbook")
    (folder / "._good.yaml").write_bytes(b"\x00\x05\x16\x07 resource fork")
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (folder / "loop").mkdir()
    os.symlink(folder, folder / "loop" / "back")
    out = _batch(folder, folder / "out")  # the output folder inside the input is not read back
    assert out.exit_code == 1, out.stderr
    recs = by_key(folder / "out")
    assert recs[good["department"]["id"]]["status"] == "scored"
    assert (
        recs["file:gbk.yaml"]["problems"][0]["code"] == "FACTS_ENCODING"
        and "GBK" in recs["file:gbk.yaml"]["problems"][0]["message"]
    )
    assert recs["file:bomb.yaml"]["problems"][0]["code"] in (
        "INPUT_LIMIT",
        "FACTS_FORMAT",
    )  # FORMAT if the YAML reader refuses aliases
    assert recs["file:deep.json"]["problems"][0]["code"] in ("INPUT_LIMIT", "FACTS_FORMAT")
    assert recs["file:broken.xlsx"]["problems"][0]["code"] == "FACTS_FORMAT"
    assert len(recs) == 5, sorted(recs)
    assert _batch(folder, folder / "out").exit_code == 1  # and again: the results are not input


def test_a_corrupt_line_inside_results_is_reported_and_rescored(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", docs(30, seed=6))
    run_batch(tmp_path / "in.jsonl", PACK, tmp_path / "whole", jobs=1, rules="python", chunk=7)
    path = tmp_path / "out" / "results.jsonl"
    path.parent.mkdir()
    lines = (tmp_path / "whole" / "results.jsonl").read_bytes().splitlines(keepends=True)
    for damage in (
        b'{"key": "half',
        b"\xff\xfe garbage",
        b'{"key": 1, "status": "scored"}',
        b'{"key": "x", "status": "scored", "total": "abc"}',
    ):
        path.write_bytes(b"".join(lines[:12]) + damage + b"\n" + b"".join(lines[13:]))
        out = run_cli(
            "batch", tmp_path / "in.jsonl", "-r", PACK, "-o", tmp_path / "out", "--rules", "python", "-j", "1", "-q"
        )
        assert out.exit_code == 0, out.stderr
        assert (
            "[BATCH_RESULTS_DAMAGED]" in out.stderr
            and "第 13 行" in out.stderr
            and "results.damaged.jsonl" in out.stderr
        )
        assert path.read_bytes() == (tmp_path / "whole" / "results.jsonl").read_bytes()
        assert (tmp_path / "out" / "summary.json").read_bytes() == (tmp_path / "whole" / "summary.json").read_bytes()
        assert damage in (tmp_path / "out" / "results.damaged.jsonl").read_bytes()


def test_limits_can_be_set_from_python(tmp_path):
    from jixiao.batch.readers import ReadLimits

    lines = [line(d) for d in docs(2, seed=4)]
    write_lines(tmp_path / "in.jsonl", lines)
    report = run_batch(
        tmp_path / "in.jsonl", PACK, tmp_path / "out", jobs=1, rules="python", limits=ReadLimits(record_bytes=100)
    )
    assert report.errors == 2 and {f["code"] for f in report.failed} == {"INPUT_LIMIT"}


def test_many_copies_of_one_id_cost_linear_time(tmp_path):
    doc = docs(1, seed=4)[0]
    write_lines(tmp_path / "in.jsonl", [line(doc)] * 4000)
    report = run_batch(tmp_path / "in.jsonl", PACK, tmp_path / "out", jobs=2, rules="python")
    assert report.scored == 1 and report.duplicates == 3999
    keys = [r["key"] for r in results(tmp_path / "out")]
    assert (
        keys[:3] == [doc["department"]["id"], doc["department"]["id"] + "#2", doc["department"]["id"] + "#3"]
        and len(set(keys)) == 4000
    )
