"""``jixiao serve`` in a real headless Chromium: the reference case, from the first page to the downloaded 评分表.

Runs where a Chromium is installed (Debian's ``chromium``; ``JIXIAO_CHROMIUM`` names
another), driven by Playwright with that executable — never a browser Playwright
downloads. Without one the tests are skipped, saying why; CI sets
``JIXIAO_REQUIRE_BROWSER=1`` so that a missing browser fails instead. With
``JIXIAO_SCREENSHOTS=folder`` they save the screenshots docs/web.md shows.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from conftest import REFERENCE_FACTS, run_cli

pytest.importorskip("fastapi", reason="jixiao[web] 未安装")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright 未安装（pip install -e '.[test]'）")

import uvicorn  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from jixiao.web.app import ServeSettings, create_app  # noqa: E402

PACK = "shenzhen-yantian-2023"
CHROMIUM = os.environ.get("JIXIAO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if CHROMIUM is None:
    reason = "没有找到 Chromium（apt install chromium，或设置 JIXIAO_CHROMIUM）：跳过浏览器端到端测试"
    if os.environ.get("JIXIAO_REQUIRE_BROWSER"):
        pytest.fail(reason + "，而 JIXIAO_REQUIRE_BROWSER 要求运行", pytrace=False)
    pytestmark = pytest.mark.skip(reason=reason)


@pytest.fixture(scope="module")
def site():
    """The app served by uvicorn on a free port of 127.0.0.1, in a thread, for the module's tests."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = ServeSettings(port=port)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "jixiao serve 未能启动"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    folder = os.environ.get("JIXIAO_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=False)


def test_the_reference_case_in_a_browser(site, page, tmp_path):
    run_cli("template", "--rubric", PACK, "--facts", REFERENCE_FACTS, "-o", tmp_path / "盐田区委办.xlsx")
    page.goto(site + "/")
    assert "评分体系" in page.inner_text("h1")
    page.click("text=盐田区部门整体支出绩效评价指标体系（2023年度）")
    assert page.url.endswith(f"/rubrics/{PACK}")
    assert "编外人员控制率" in page.inner_text("table:last-of-type")
    shot(page, "web-pack.png")

    page.set_input_files("form[action='/evaluate'] input[type=file]", str(tmp_path / "盐田区委办.xlsx"))
    page.click("#evaluate")
    page.wait_for_selector("#total")
    assert page.inner_text("#total") == "94.91"
    assert page.inner_text("#grade") == "优"
    shot(page, "web-total.png")

    row = page.locator("#leaf-2\\.4\\.2")
    row.locator("summary").click()
    deduction = row.locator(".deduction").inner_text()
    assert "编外人员控制率为30.2%" in deduction and "扣1分" in deduction
    row.scroll_into_view_if_needed()
    shot(page, "web-result.png")

    with page.expect_download() as download_info:
        page.click("#download-xlsx")
    download = download_info.value
    saved = tmp_path / "评分表.xlsx"
    download.save_as(saved)
    assert download.suggested_filename.endswith(".xlsx")
    wb = load_workbook(saved)
    cells = [c.value for ws in wb.worksheets for r in ws.iter_rows() for c in r]
    assert any(str(v) == "94.91" for v in cells)
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)


def test_the_audit_view_and_the_generated_form(site, page, tmp_path):
    page.goto(f"{site}/rubrics/{PACK}")
    page.set_input_files("form[action='/audit'] input[type=file]", str(REFERENCE_FACTS))
    page.click("form[action='/audit'] button")
    page.wait_for_selector("#audit")
    assert "自评得分与复核得分一致" in page.inner_text("main")
    shot(page, "web-audit.png")

    page.goto(f"{site}/rubrics/{PACK}/form")
    page.fill("input[name=department_id]", "demo")
    page.fill("input[name='fact.staffed_headcount']", "37")
    page.fill("input[name='fact.outsourced_staff']", "1")
    page.click("button[type=submit]")
    page.wait_for_selector("#total")
    row = page.locator("#leaf-2\\.4\\.2")
    assert row.locator("td.num").nth(1).inner_text() == "1"
    assert "无法评价" in page.inner_text("#scorecard")  # the facts left blank are named, not taken as 0
