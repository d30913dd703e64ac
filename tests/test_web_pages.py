"""The Chinese pages of ``jixiao serve``, read as a browser gets them (the browser tests click through them)."""

from __future__ import annotations

import base64
import re

import pytest
from conftest import REFERENCE_FACTS

pytest.importorskip("fastapi", reason="jixiao[web] 未安装")


PACK = "shenzhen-yantian-2023"
DISTRICT = "example-district-2023"
FACTS = REFERENCE_FACTS.read_bytes()


def test_the_packs_and_one_packs_tree(client):
    index = client.get("/")
    assert index.status_code == 200 and "盐田区部门整体支出绩效评价指标体系（2023年度）" in index.text
    tree = client.get(f"/rubrics/{PACK}").text
    assert "编外人员控制率" in tree and "0%≤编外人员控制率&lt;5%得1分" in tree
    assert f'href="/api/rubrics/{PACK}/template"' in tree
    district = client.get(f"/rubrics/{DISTRICT}").text
    assert "示财〔2024〕3号" in district


def test_the_diff_of_two_packs(client):
    chosen = client.get(f"/diff?a={PACK}&b={DISTRICT}", follow_redirects=False)
    assert chosen.status_code == 303 and chosen.headers["location"] == f"/rubrics/{PACK}/diff/{DISTRICT}"
    page = client.get(chosen.headers["location"])
    assert page.status_code == 200 and "编外人员控制率" in page.text


def test_a_result_page_downloads_what_it_shows(client):
    page = client.post("/evaluate", data={"rubric": PACK}, files={"file": ("facts.yaml", FACTS)}).text
    assert '<span class="grade" id="total">94.91</span>' in page and "编外人员控制率为30.2%" in page
    sent = re.search(r'name="file_b64" value="([^"]+)"', page)
    assert sent is not None and base64.b64decode(sent.group(1)) == FACTS
    again = client.post(
        f"/api/evaluate?rubric={PACK}&format=json", data={"file_b64": sent.group(1), "file_name": "facts.yaml"}
    )
    assert again.status_code == 200 and again.json()["total"] == "94.91"


def test_the_generated_form_lists_every_fact_and_scores_what_is_filled(client):
    form = client.get(f"/rubrics/{PACK}/form").text
    assert 'name="fact.outsourced_staff"' in form and "编外人员数（含劳务派遣）" in form
    fields = {"rubric": PACK, "department_id": "d1", "fact.staffed_headcount": "37", "fact.outsourced_staff": "1"}
    page = client.post("/evaluate", data=fields, files={"file": ("", b"")}).text
    assert "无法评价" in page and 'id="leaf-2.4.2"' in page
    assert re.search(r'name="document" value="[^"]*outsourced_staff', page)


def test_the_same_department_under_two_packs(client):
    page = client.post("/compare", data={"rubric": PACK, "with": DISTRICT}, files={"file": ("facts.yaml", FACTS)})
    assert page.status_code == 200 and "94.91" in page.text and "差额（B−A）" in page.text


def test_the_audit_view(client):
    agreed = client.post("/audit", data={"rubric": PACK}, files={"file": ("facts.yaml", FACTS)}).text
    assert "自评得分与复核得分一致" in agreed
    changed = FACTS.replace(b"94.91", b"95.91", 1)
    page = client.post("/audit", data={"rubric": PACK}, files={"file": ("facts.yaml", changed)}).text
    assert "95.91" in page and "复核发现" in page


def test_a_mistake_on_a_page_is_a_chinese_page_with_its_status(client):
    missing = client.get("/rubrics/no-such-pack")
    assert missing.status_code == 404 and "[PACK_NOT_FOUND]" in missing.text and "<html" in missing.text
    bad = client.post("/evaluate", data={"rubric": PACK}, files={"file": ("facts.yaml", b"facts: [")})
    assert bad.status_code == 422 and "[FACTS_FORMAT]" in bad.text


def _form_fields(pack: str, doc: dict) -> dict:
    """What a person types into the generated form for ``doc``: 是/否, lists as JSON, the rest as written."""
    import json

    fields = {"rubric": pack, "department_id": doc["department"]["id"]}
    for name, value in doc["facts"].items():
        if isinstance(value, bool):
            fields[f"fact.{name}"] = "是" if value else "否"
        elif isinstance(value, list | dict):
            fields[f"fact.{name}"] = json.dumps(value, ensure_ascii=False, default=str)
        else:
            fields[f"fact.{name}"] = str(value)
    return fields


@pytest.mark.parametrize(
    ("pack", "facts", "total"),
    [
        (PACK, REFERENCE_FACTS, "94.91"),
        ("mof-project-2020", REFERENCE_FACTS.parents[1] / "mof-project" / "facts.yaml", "91.6"),
    ],
)
def test_a_whole_document_typed_into_the_form_scores_as_the_file(client, pack, facts, total):
    from jixiao.yamlio import load_path

    page = client.post("/evaluate", data=_form_fields(pack, load_path(facts)), files={"file": ("", b"")})
    assert page.status_code == 200, page.text[:500]
    assert f'id="total">{total}</span>' in page.text
    form = client.get(f"/rubrics/{pack}/form").text
    for name in load_path(facts)["facts"]:
        assert f'name="fact.{name}"' in form


def test_jixiao_serve_prints_its_address_and_serves_the_packs():
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "jixiao.cli", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/rubrics", timeout=5) as answer:
                    packs = answer.read().decode("utf-8")
                break
            except OSError:
                import time

                time.sleep(0.1)
        assert PACK in packs
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_without_the_web_extra_says_what_to_install(monkeypatch):
    import sys

    from conftest import run_cli

    monkeypatch.setitem(sys.modules, "uvicorn", None)
    out = run_cli("serve")
    assert out.exit_code == 2 and "jixiao[web]" in out.stderr


def test_serve_on_a_port_in_use_says_so():
    import socket

    from conftest import run_cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        out = run_cli("serve", "--port", taken.getsockname()[1])
    assert out.exit_code == 2 and "OPTION_INVALID" in out.stderr and "--port" in out.stderr
