"""Results know where they came from: a re-run into the same -o never relabels old scores.

Issue "Stale results": with another --rubric, another --plugin or edited facts the landed
code skipped every department (exit 0) and kept the old scores under the new label; a
re-run's exit status forgot earlier failures.
"""

from __future__ import annotations

import json

from batchkit import PACK, by_key, docs, hostile_plugin, results, write_jsonl
from conftest import run_cli

from jixiao.batch import run_batch


def _batch(inp, out, *extra):
    return run_cli("batch", inp, "-r", PACK, "-o", out, "--rules", "python", "-j", "1", "-q", *extra)


def test_every_line_records_pack_engine_run_and_input(tmp_path):
    from jixiao.batch.provenance import doc_digest

    documents = docs(5, seed=3)
    write_jsonl(tmp_path / "in.jsonl", documents)
    assert _batch(tmp_path / "in.jsonl", tmp_path / "out").exit_code == 0
    recorded = json.loads((tmp_path / "out" / "provenance.json").read_text(encoding="utf-8"))
    assert recorded["pack"]["id"] == PACK and recorded["pack"]["digest"].startswith("sha256:")
    assert recorded["engine"]["version"] and recorded["engine"]["source"].startswith("sha256:")
    plugins = {p["name"]: p for p in recorded["pack"]["plugins"]}
    assert plugins["outsourced-staff-rate"]["origin"].startswith("入口点") and plugins["outsourced-staff-rate"][
        "sha256"
    ].startswith("sha256:")
    for doc, line in zip(documents, results(tmp_path / "out")):
        stamp = line["provenance"]
        assert stamp["run"] == recorded["run"]
        assert (
            stamp["pack"] == f"{PACK}@{recorded['pack']['digest']}" and stamp["engine"] == recorded["engine"]["version"]
        )
        assert stamp["input"] == doc_digest(json.loads(json.dumps(doc, default=str)))


def test_input_digest_is_canonical():
    from jixiao.batch.provenance import doc_digest

    a = {"department": {"id": "x", "name": "甲"}, "facts": {"b": "1.50", "a": True}, "source": "in.jsonl:1"}
    b = {"facts": {"a": True, "b": "1.50"}, "department": {"name": "甲", "id": "x"}, "source": "other.jsonl:9"}
    assert doc_digest(a) == doc_digest(b)
    assert doc_digest(a) != doc_digest({**a, "facts": {"b": "1.5", "a": True}})


def test_rerun_with_another_rubric_refuses_then_fresh_starts_over(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", docs(4, seed=3))
    assert _batch(tmp_path / "in.jsonl", tmp_path / "out").exit_code == 0
    before = (tmp_path / "out" / "results.jsonl").read_bytes()
    out = run_cli(
        "batch",
        tmp_path / "in.jsonl",
        "-r",
        "example-district-2023",
        "-o",
        tmp_path / "out",
        "--rules",
        "python",
        "-j",
        "1",
        "-q",
    )
    assert out.exit_code == 2
    assert (
        "错误 [BATCH_PROVENANCE]" in out.stderr
        and PACK in out.stderr
        and "example-district-2023" in out.stderr
        and "--fresh" in out.stderr
    )
    assert (tmp_path / "out" / "results.jsonl").read_bytes() == before
    out = run_cli(
        "batch",
        tmp_path / "in.jsonl",
        "-r",
        "example-district-2023",
        "-o",
        tmp_path / "out",
        "--rules",
        "python",
        "-j",
        "1",
        "-q",
        "--fresh",
    )
    assert out.exit_code == 0, out.stderr
    assert (tmp_path / "out" / "results.previous.jsonl").read_bytes() == before
    assert {r["provenance"]["pack"].split("@")[0] for r in results(tmp_path / "out")} == {"example-district-2023"}
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["rubric"] == "example-district-2023" and summary["scored"] == 4


def test_rerun_with_another_or_an_edited_plugin_refuses(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", docs(4, seed=3))
    plugin = hostile_plugin(tmp_path, "pass")
    assert _batch(tmp_path / "in.jsonl", tmp_path / "out").exit_code == 0
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out", "--plugin", plugin)
    assert (
        out.exit_code == 2
        and "[BATCH_PROVENANCE]" in out.stderr
        and "outsourced-staff-rate" in out.stderr
        and str(plugin) in out.stderr
    )
    assert _batch(tmp_path / "in.jsonl", tmp_path / "o2", "--plugin", plugin).exit_code == 0
    plugin.write_text(plugin.read_text(encoding="utf-8").replace("pass", "pass  # edited"), encoding="utf-8")
    out = _batch(tmp_path / "in.jsonl", tmp_path / "o2", "--plugin", plugin)
    assert out.exit_code == 2 and "[BATCH_PROVENANCE]" in out.stderr and "代码已修改" in out.stderr


def test_rerun_with_other_options_refuses(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", docs(2, seed=3))
    assert _batch(tmp_path / "in.jsonl", tmp_path / "out").exit_code == 0
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out", "--explain")
    assert out.exit_code == 2 and "--explain" in out.stderr
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out", "--block", "petition-handling")
    assert out.exit_code == 2 and "--block" in out.stderr


def test_rerun_with_edited_facts_refuses_and_names_the_department(tmp_path):
    documents = docs(6, seed=3)
    write_jsonl(tmp_path / "in.jsonl", documents)
    assert _batch(tmp_path / "in.jsonl", tmp_path / "out").exit_code == 0
    documents[2]["facts"]["annual_budget"] = "1.23"
    write_jsonl(tmp_path / "in.jsonl", documents)
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out")
    dept = documents[2]["department"]["id"]
    assert out.exit_code == 2 and "[BATCH_INPUT_CHANGED]" in out.stderr
    assert f"第 3 行（部门“{dept}”）" in out.stderr and "事实已修改" in out.stderr and "--fresh" in out.stderr


def test_inserted_removed_or_reordered_records_refuse(tmp_path):
    documents = docs(6, seed=3)
    write_jsonl(tmp_path / "in.jsonl", documents)
    assert _batch(tmp_path / "in.jsonl", tmp_path / "out").exit_code == 0
    for changed in (documents[:2] + docs(1, seed=9) + documents[2:], documents[1:], documents[:5]):
        write_jsonl(tmp_path / "in.jsonl", changed)
        out = _batch(tmp_path / "in.jsonl", tmp_path / "out")
        assert out.exit_code == 2 and "[BATCH_INPUT_CHANGED]" in out.stderr, out.stderr
    write_jsonl(tmp_path / "in.jsonl", documents + docs(2, seed=9))  # appended records: a resume, not a change
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out")
    assert out.exit_code == 0 and "跳过已完成 6 个" in out.stdout
    assert len(results(tmp_path / "out")) == 8


def test_results_of_an_older_jixiao_refuse(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", docs(2, seed=3))
    assert _batch(tmp_path / "in.jsonl", tmp_path / "out").exit_code == 0
    lines = results(tmp_path / "out")
    (tmp_path / "out" / "results.jsonl").write_text(
        "".join(
            json.dumps({k: v for k, v in r.items() if k != "provenance"}, ensure_ascii=False) + "\n" for r in lines
        ),
        encoding="utf-8",
    )
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out")
    assert out.exit_code == 2 and "[BATCH_PROVENANCE]" in out.stderr and "旧版" in out.stderr


def test_a_resumed_run_remembers_earlier_failures(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", docs(300, seed=2, invalid="0.05"))
    first = _batch(tmp_path / "in.jsonl", tmp_path / "out")
    assert first.exit_code == 1
    again = _batch(tmp_path / "in.jsonl", tmp_path / "out")
    assert again.exit_code == 1, "every department was resumed, some of them incomplete"
    assert "跳过已完成 300 个" in again.stdout and "评分不完整" in again.stdout
    report = run_batch(tmp_path / "in.jsonl", PACK, tmp_path / "out", jobs=1, rules="python")
    assert report.skipped == 300 and not report.ok and report.resumed.incomplete == len(report.failed) > 0
    failing = {k for k, r in by_key(tmp_path / "out").items() if r["status"] != "scored"}
    assert {f["key"] for f in report.failed} == failing
