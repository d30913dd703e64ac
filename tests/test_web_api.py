"""``jixiao serve``'s API answers exactly what the CLI prints for the same input, errors included."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from conftest import REFERENCE_FACTS, run_cli

pytest.importorskip("fastapi", reason="jixiao[web] 未安装")
from openpyxl import load_workbook

PACK = "shenzhen-yantian-2023"
DISTRICT = "example-district-2023"
FACTS = REFERENCE_FACTS.read_bytes()


def upload(name="facts.yaml", data=FACTS):
    return {"file": (name, data)}


def same_as_cli(response, *args):
    out = run_cli(*args)
    assert response.content == out.stdout_bytes, args
    assert response.headers["X-Jixiao-Exit-Code"] == str(out.exit_code)
    return out


@pytest.mark.parametrize(
    ("path", "args"),
    [
        ("/api/rubrics", ["rubrics", "--format", "json"]),
        (f"/api/rubrics/{PACK}", ["rubric", "show", PACK, "--format", "json"]),
        (f"/api/rubrics/{DISTRICT}", ["rubric", "show", DISTRICT, "--format", "json"]),
        (f"/api/rubrics/{PACK}/diff/{DISTRICT}", ["rubric", "diff", PACK, DISTRICT, "--format", "json"]),
        ("/api/plugins", ["plugins", "--format", "json"]),
        (f"/api/plugins?rubric={PACK}", ["plugins", "--rubric", PACK, "--format", "json"]),
    ],
)
def test_get_answers_equal_the_cli_byte_for_byte(client, path, args):
    response = client.get(path)
    assert response.status_code == 200
    out = run_cli(*args)
    assert response.content == out.stdout_bytes


@pytest.mark.parametrize("fmt", ["json", "html", "markdown", "table"])
def test_evaluate_equals_the_cli_for_an_uploaded_file(client, fmt):
    response = client.post(f"/api/evaluate?format={fmt}", files=upload())
    assert response.status_code == 200
    same_as_cli(response, "evaluate", REFERENCE_FACTS, "--format", fmt)
    assert response.headers["X-Jixiao-Rubric"] == f"{PACK}@1.0.0"
    assert response.headers["X-Jixiao-Version"] and response.headers["X-Jixiao-Rubric-Digest"].startswith("sha256:")


def test_evaluate_a_json_body_equals_the_cli_on_the_same_document(client, tmp_path, reference_doc):
    document = json.dumps(reference_doc, ensure_ascii=False, default=str)
    (tmp_path / "facts.json").write_text(document, encoding="utf-8")
    response = client.post(
        f"/api/evaluate?rubric={PACK}", content=document.encode(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200 and response.json()["total"] == "94.91"
    same_as_cli(response, "evaluate", tmp_path / "facts.json", "--rubric", PACK, "--format", "json")


def test_explain_compare_and_audit_equal_the_cli(client):
    explain = client.post("/api/explain?indicator=2.4.2", files=upload())
    same_as_cli(explain, "explain", REFERENCE_FACTS, "-i", "2.4.2", "--format", "json")
    assert "编外人员控制率为30.2%" in explain.json()["deductions"][0]["problem"]
    compare = client.post(f"/api/compare?with={DISTRICT}", files=upload())
    same_as_cli(compare, "evaluate", REFERENCE_FACTS, "--compare", DISTRICT, "--format", "json")
    for fmt in ("json", "markdown", "table"):
        audit = client.post(f"/api/audit?format={fmt}", files=upload())
        same_as_cli(audit, "audit", REFERENCE_FACTS, "--format", fmt)


def parts(data: bytes) -> dict[str, bytes]:
    """An Office file's parts, but for the time it was written (docProps/core.xml)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


@pytest.mark.parametrize(("fmt", "sheet_text"), [("xlsx", "94.91"), ("docx", None)])
def test_office_files_come_as_attachments(client, tmp_path, fmt, sheet_text):
    response = client.post(f"/api/evaluate?format={fmt}", files=upload())
    assert response.status_code == 200
    run_cli("evaluate", REFERENCE_FACTS, "--format", fmt, "-o", tmp_path / f"cli.{fmt}")
    assert parts(response.content) == parts((tmp_path / f"cli.{fmt}").read_bytes())
    audit = client.post(f"/api/audit?format={fmt}", files=upload())
    run_cli("audit", REFERENCE_FACTS, "--format", fmt, "-o", tmp_path / f"audit.{fmt}")
    assert parts(audit.content) == parts((tmp_path / f"audit.{fmt}").read_bytes())
    assert response.headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert response.content[:2] == b"PK"
    if sheet_text:
        wb = load_workbook(io.BytesIO(response.content))
        values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert any(str(v) == sheet_text for v in values)


def test_a_pack_workbook_uploaded_back_scores_as_on_the_command_line(client, tmp_path):
    response = client.get(f"/api/rubrics/{PACK}/template")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    run_cli("template", "--rubric", PACK, "--facts", REFERENCE_FACTS, "-o", tmp_path / "filled.xlsx")
    filled = (tmp_path / "filled.xlsx").read_bytes()
    scored = client.post("/api/evaluate", files=upload("filled.xlsx", filled))
    assert scored.status_code == 200 and scored.json()["total"] == "94.91"
    same_as_cli(scored, "evaluate", tmp_path / "filled.xlsx", "--format", "json")


def cli_errors(*args):
    out = run_cli(*args)
    lines = [line for line in out.stderr.splitlines() if line.startswith("错误 [")]
    return out.exit_code, lines


def api_errors(response):
    return [f"错误 [{e['code']}] {e['message']}" for e in response.json()["errors"]]


def test_a_document_error_has_the_cli_code_and_message(client, tmp_path, monkeypatch):
    bad = FACTS.replace(b"id: yantian-qwb", b"id: ''")
    (tmp_path / "facts.yaml").write_bytes(bad)
    monkeypatch.chdir(tmp_path)
    response = client.post("/api/evaluate", files=upload("facts.yaml", bad))
    code, lines = cli_errors("evaluate", "facts.yaml")
    assert response.status_code == 422 and code == 2
    assert api_errors(response) == lines and "department.id" in lines[0]


def test_a_duplicated_key_is_refused_as_on_the_command_line(client, tmp_path, monkeypatch):
    bad = b'{"department": {"id": "a"}, "facts": {"staff": 1, "staff": 2}}'
    (tmp_path / "facts.json").write_bytes(bad)
    monkeypatch.chdir(tmp_path)
    response = client.post("/api/evaluate?rubric=" + PACK, files=upload("facts.json", bad))
    _, lines = cli_errors("evaluate", "facts.json", "--rubric", PACK)
    assert response.status_code == 422 and api_errors(response) == lines
    assert "DUPLICATE_KEY" in lines[0]


@pytest.mark.parametrize(
    ("request_args", "status", "code"),
    [
        (("post", "/api/evaluate?format=pdf", {"files": upload()}), 400, "OUTPUT_FORMAT"),
        (("post", "/api/explain", {"files": upload()}), 400, "REQUEST_INVALID"),
        (("post", "/api/evaluate", {"json": {"department": {"id": "a"}, "facts": {}}}), 400, "PACK_NOT_FOUND"),
        (("get", "/api/rubrics/no-such-pack", {}), 404, "PACK_NOT_FOUND"),
        (("post", "/api/evaluate?rubric=../../etc", {"files": upload()}), 404, "PACK_NOT_FOUND"),
        (("post", "/api/explain?indicator=9.9", {"files": upload()}), 404, "INDICATOR_UNKNOWN"),
        (("get", "/api/nothing-here", {}), 404, "NOT_FOUND"),
        (("post", "/api/evaluate", {"content": b"x", "headers": {"Content-Type": "text/plain"}}), 415, "REQUEST_MEDIA"),
        (("post", "/api/evaluate", {"files": upload("facts.exe", b"MZ")}), 415, "REQUEST_MEDIA"),
        (("post", "/api/evaluate", {"files": upload("facts.yaml", b"facts: [1")}), 422, "FACTS_FORMAT"),
        (("post", "/api/audit", {"files": upload("f.yaml", FACTS.split(b"claimed:")[0])}), 422, "CLAIM_MISSING"),
    ],
)
def test_each_user_mistake_gets_its_status_and_a_chinese_message(client, request_args, status, code):
    method, path, kwargs = request_args
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status, response.text
    first = response.json()["errors"][0]
    assert first["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in first["message"])


def test_an_incomplete_scorecard_is_an_answer_with_the_cli_exit_code(client, reference_doc):
    doc = json.loads(json.dumps(reference_doc, default=str))
    doc["facts"]["staffed_headcount"] = "305,63"
    response = client.post("/api/evaluate", json=doc)
    assert response.status_code == 200 and response.headers["X-Jixiao-Exit-Code"] == "1"
    assert response.json()["complete"] is False


def test_the_spec_lists_every_api_and_no_page(client):
    spec = client.get("/api/spec").json()
    paths = set(spec["paths"])
    for wanted in ("/api/rubrics", "/api/rubrics/{pack_id}", "/api/rubrics/{a}/diff/{b}", "/api/evaluate"):
        assert wanted in paths
    assert {"/api/explain", "/api/compare", "/api/audit", "/api/plugins"} <= paths
    assert not [p for p in paths if not p.startswith("/api")]
    reference = client.get("/api")
    assert reference.status_code == 200 and "/api/evaluate" in reference.text and "cdn" not in reference.text.lower()
