"""Hostile requests to ``jixiao serve`` get Chinese 4xx answers, and nothing they carry runs."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from conftest import REFERENCE_FACTS, run_cli

pytest.importorskip("fastapi", reason="jixiao[web] 未安装")
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from jixiao.web.app import ServeSettings, create_app

PACK = "shenzhen-yantian-2023"
FACTS = REFERENCE_FACTS.read_bytes()
TOKEN = "0123456789abcdef-token"


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(ServeSettings(allowed_hosts=("testserver",), max_upload_mb=2)))


def first_error(response):
    return response.json()["errors"][0]


def test_a_host_the_server_does_not_answer_to_is_refused(client):
    response = client.get("/api/rubrics", headers={"Host": "attacker.example"})
    assert response.status_code == 400 and first_error(response)["code"] == "HOST_REFUSED"
    assert "attacker.example" in first_error(response)["message"]
    assert client.get("/api/rubrics", headers={"Host": "127.0.0.1:8000"}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "http://attacker.example"}],
)
def test_a_post_from_another_site_is_refused(client, headers):
    response = client.post("/api/evaluate", files={"file": ("facts.yaml", FACTS)}, headers=headers)
    assert response.status_code == 403 and first_error(response)["code"] == "CROSS_SITE"


def test_a_post_from_the_servers_own_pages_passes(client):
    headers = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}
    response = client.post("/api/evaluate", files={"file": ("facts.yaml", FACTS)}, headers=headers)
    assert response.status_code == 200


def test_no_cors_header_is_ever_sent(client):
    for response in (
        client.get("/api/rubrics", headers={"Origin": "http://attacker.example"}),
        client.options("/api/evaluate", headers={"Origin": "http://x", "Access-Control-Request-Method": "POST"}),
    ):
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]


def test_with_a_token_nothing_answers_without_it():
    app = TestClient(create_app(ServeSettings(allowed_hosts=("testserver",), token=TOKEN)))
    denied = app.get("/api/rubrics")
    assert denied.status_code == 401 and first_error(denied)["code"] == "AUTH_REQUIRED"
    assert app.get("/", headers={"Accept": "text/html"}).status_code == 401
    assert app.get("/api/rubrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert app.get("/api/rubrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert app.post("/login", data={"token": "wrong"}).status_code == 401
    logged_in = app.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert logged_in.status_code == 303
    cookie = logged_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert app.get("/").status_code == 200  # the cookie, kept by the client


def test_serve_refuses_a_short_token(monkeypatch):
    monkeypatch.setenv("JIXIAO_TOKEN", "short")
    out = run_cli("serve", "--token-env", "JIXIAO_TOKEN")
    assert out.exit_code == 2 and "OPTION_INVALID" in out.stderr and "16" in out.stderr


def test_a_body_over_the_limit_is_refused_before_it_is_read(client):
    big = b"x" * (3 * 1024 * 1024)
    response = client.post("/api/evaluate", files={"file": ("facts.yaml", big)})
    assert response.status_code == 413 and first_error(response)["code"] == "INPUT_LIMIT"

    def chunks():  # no Content-Length: counted as it streams
        for _ in range(40):
            yield b"y" * 100_000

    response = client.post("/api/evaluate", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "上限" in first_error(response)["message"]


def test_a_zip_bomb_is_measured_before_it_is_opened(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as part:
            for _ in range(101):
                part.write(bytes(1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024  # small enough to upload
    response = client.post("/api/evaluate", files={"file": ("facts.xlsx", data)})
    assert response.status_code == 413 and first_error(response)["code"] == "INPUT_LIMIT"
    assert "解压后" in first_error(response)["message"] and "/tmp" not in response.text


def test_a_workbook_carrying_formulas_is_refused(client, tmp_path):
    run_cli("template", "--rubric", PACK, "--facts", REFERENCE_FACTS, "-o", tmp_path / "f.xlsx")
    wb = load_workbook(tmp_path / "f.xlsx")
    ws = wb["事实"]
    ws["D12"] = "=cmd|' /C calc'!A0"
    ws["D13"] = '=HYPERLINK("http://attacker.example","点此")'
    wb.save(tmp_path / "f.xlsx")
    response = client.post("/api/evaluate", files={"file": ("f.xlsx", (tmp_path / "f.xlsx").read_bytes())})
    assert response.status_code == 422 and first_error(response)["code"] == "FACTS_FORMAT"
    assert "公式" in first_error(response)["message"] and "D12" in first_error(response)["message"]


def test_an_alias_bomb_is_refused(client):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [*{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}, *{chr(96 + i)}]\n"
    response = client.post(
        "/api/evaluate", files={"file": ("facts.yaml", ("department: {id: x}\nfacts:\n  " + bomb).encode())}
    )
    assert response.status_code in (413, 422) and first_error(response)["code"] in ("INPUT_LIMIT", "FACTS_FORMAT")


@pytest.fixture()
def evil_plugin(tmp_path):
    marker = tmp_path / "ran"
    plugin = tmp_path / "evil.py"
    plugin.write_text(f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n", encoding="utf-8")
    return plugin, marker


@pytest.mark.parametrize("endpoint", ["/api/rubrics/show", "/api/rubrics/check", f"/api/rubrics/diff?with={PACK}"])
def test_an_uploaded_pack_naming_plugin_files_is_refused_and_nothing_runs(client, evil_plugin, endpoint):
    plugin, marker = evil_plugin
    pack = f"id: evil\nextend: {PACK}\nplugins: [{json.dumps(str(plugin))}]\n".encode()
    response = client.post(endpoint, files={"file": ("pack.yaml", pack)})
    assert response.status_code == 422 and first_error(response)["code"] == "PLUGIN_UNTRUSTED"
    assert "不会运行" in first_error(response)["message"]
    assert not marker.exists()


def test_an_uploaded_pack_may_not_reach_for_a_base_on_the_server(client, tmp_path):
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "pack.yaml").write_text("id: secret\n", encoding="utf-8")
    pack = f"id: probe\nextend: {json.dumps(str(tmp_path / 'secret'))}\n".encode()
    response = client.post("/api/rubrics/show", files={"file": ("pack.yaml", pack)})
    assert response.status_code == 422 and first_error(response)["code"] == "PACK_NOT_FOUND"


def test_an_uploaded_reform_is_checked_shown_and_diffed_as_data(client):
    reform = f"""id: my-district
extend: {PACK}
title: 某区指标体系
region: 某区
version: "1.0.0"
source: 某区财政局通知
overrides:
  - target: 编外人员控制率
    set:
      params.bands:
        - {{range: "[0, 8%)", points: 1}}
        - {{range: "[8%, ∞)", points: 0}}
    reason: 放宽编外人员控制率
    authority: 某财〔2024〕1号
""".encode()
    checked = client.post("/api/rubrics/check", files={"file": ("district.yaml", reform)})
    assert checked.status_code == 200 and checked.headers["X-Jixiao-Exit-Code"] == "0", checked.text
    shown = client.post("/api/rubrics/show", files={"file": ("district.yaml", reform)})
    assert shown.status_code == 200 and shown.json()["base"] == PACK
    diff = client.post(f"/api/rubrics/diff?with={PACK}", files={"file": ("district.yaml", reform)})
    assert diff.status_code == 200 and any(c.get("name") == "编外人员控制率" for c in diff.json())
    assert "/tmp/" not in shown.text + checked.text + diff.text


def test_a_facts_document_naming_a_pack_by_path_is_refused(client, evil_plugin, tmp_path):
    plugin, marker = evil_plugin
    folder = tmp_path / "packdir"
    folder.mkdir()
    (folder / "pack.yaml").write_text(f"id: x\nextend: {PACK}\nplugins: [{json.dumps(str(plugin))}]\n", "utf-8")
    doc = {"rubric": str(folder), "department": {"id": "a"}, "facts": {}}
    response = client.post("/api/evaluate", json=doc)
    assert response.status_code == 404 and first_error(response)["code"] == "PACK_NOT_FOUND"
    assert not marker.exists()


def test_an_upload_name_with_folders_is_only_a_name(client):
    response = client.post("/api/evaluate", files={"file": ("../../../etc/facts.yaml", b"facts: [")})
    assert response.status_code == 422
    message = first_error(response)["message"]
    assert "facts.yaml" in message and "../" not in message and "/tmp" not in message


def test_a_hostile_name_is_shown_as_text_on_the_result_page(client, reference_doc):
    doc = json.loads(json.dumps(reference_doc, default=str))
    doc["department"]["name"] = "<script>alert(1)</script>"
    data = json.dumps(doc, ensure_ascii=False).encode()
    page = client.post("/evaluate", files={"file": ("facts.json", data)}, data={"rubric": PACK})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
