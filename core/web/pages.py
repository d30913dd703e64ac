"""The pages, in Chinese, rendered on the server: packs, one department's 评分情况表, two packs side by side, 复核.

Every page works without JavaScript: indicators open with ``<details>``, forms post to
the pages or straight to the API (the download buttons). A result page carries its own
input in hidden fields, so its downloads re-score exactly what was shown and the server
keeps nothing between requests.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from .. import answers
from .. import render as text_render
from ..audit.text import HEADERS as AUDIT_HEADERS
from ..audit.text import opinion, row_cells
from ..numbers import fmt_number
from .api import read_document, read_form
from .guard import TOKEN_COOKIE
from .service import Upload, document_from_fields, document_from_upload

router = APIRouter()
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(request: Request, name: str, **context: Any) -> str:
    return TEMPLATES.get_template(name).render(request=request, **context)


def page(request: Request, name: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(request, name, **context))


def _service(request: Request) -> Any:
    return request.app.state.service


def flat_rows(nodes: list[dict[str, Any]], depth: int = 0) -> list[dict[str, Any]]:
    """A pack tree (``pack_tree``) as table rows, each with its depth."""
    out = []
    for node in nodes:
        out.append({**node, "depth": depth, "leaf": "children" not in node})
        out += flat_rows(node.get("children", []), depth + 1)
    return out


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def index(request: Request) -> HTMLResponse:
    entries = await run_in_threadpool(_service(request).run, answers.pack_entries)
    return page(request, "index.html", packs=entries)


@router.get("/api", response_class=HTMLResponse, include_in_schema=False)
async def api_reference(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    return page(request, "api.html", spec=spec)


@router.get("/rubrics/{pack_id}", response_class=HTMLResponse, include_in_schema=False)
async def pack_page(request: Request, pack_id: str) -> HTMLResponse:
    from ..rubric_tools.show import pack_tree

    service = _service(request)
    tree = await run_in_threadpool(service.run, lambda: pack_tree(service.engine(pack_id)))
    entries = await run_in_threadpool(service.run, answers.pack_entries)
    others = [e["id"] for e in entries if "error" not in e and e["id"] != pack_id]
    return page(request, "pack.html", pack=tree, rows=flat_rows(tree["indicators"]), others=others)


@router.get("/diff", include_in_schema=False)
async def diff_choice(a: str, b: str) -> RedirectResponse:
    from urllib.parse import quote

    return RedirectResponse(f"/rubrics/{quote(a, safe='')}/diff/{quote(b, safe='')}", status_code=303)


@router.get("/rubrics/{a}/diff/{b}", response_class=HTMLResponse, include_in_schema=False)
async def diff_page(request: Request, a: str, b: str) -> HTMLResponse:
    from ..rubric_tools.changes import diff_packs
    from ..rubric_tools.diff import render_diff

    service = _service(request)

    def work() -> tuple[str, int]:
        service.engine(a), service.engine(b)
        result = diff_packs(a, b)
        return render_diff(result), len(result.changes)

    text, count = await run_in_threadpool(service.run, work)
    return page(request, "diff.html", a=a, b=b, text=text, count=count)


@router.get("/rubrics/{pack_id}/form", response_class=HTMLResponse, include_in_schema=False)
async def fact_form(request: Request, pack_id: str) -> HTMLResponse:
    """Every fact the pack declares, as the Excel 填报表 lists them, each with the indicators it feeds."""
    from ..office.template import fact_rows
    from ..rubric_tools.show import fact_entry
    from .service import SCALAR_KINDS

    service = _service(request)

    def work() -> tuple[Any, list[dict[str, Any]]]:
        engine = service.engine(pack_id)
        facts = [
            {**fact_entry(spec), "indicators": feeds, "structured": spec.kind not in SCALAR_KINDS}
            for spec, feeds in fact_rows(engine)
        ]
        return engine.pack, facts

    pack, facts = await run_in_threadpool(service.run, work)
    return page(request, "form.html", pack=pack, facts=facts)


async def _document(request: Request) -> tuple[dict[str, Any], dict[str, str]]:
    """The document a page posted — an uploaded file, or the generated form's fields — and the hidden
    fields that send it again (for the downloads)."""
    form = await read_form(request)
    item = form.get("file")
    if item is not None and not isinstance(item, str) and item.filename:
        upload = Upload(item.filename, await item.read())
        doc = await run_in_threadpool(document_from_upload, upload)
        return doc, {"file_b64": base64.b64encode(upload.data).decode("ascii"), "file_name": upload.name}
    fields = {str(k)[5:]: str(v) for k, v in form.multi_items() if str(k).startswith("fact.") and isinstance(v, str)}
    if fields:
        service = _service(request)
        engine = await run_in_threadpool(service.run, lambda: service.engine(str(form.get("rubric", ""))))
        department = {"id": str(form.get("department_id", "")).strip(), "name": str(form.get("department_name", ""))}
        doc = document_from_fields(engine, fields, department)
        sent = {"rubric": doc["rubric"], "department": doc["department"], "facts": doc["facts"]}
        return doc, {"document": json.dumps(sent, ensure_ascii=False)}
    return await read_document(request), {}


async def _posted(request: Request) -> tuple[dict[str, Any], dict[str, str], str | None]:
    """A page's post: its document, the fields that send it again, and the pack it chose (if any)."""
    form = await read_form(request)
    doc, resend = await _document(request)
    return doc, resend, str(form.get("rubric") or "") or None


@router.post("/evaluate", response_class=HTMLResponse, include_in_schema=False)
async def evaluate_page(request: Request) -> HTMLResponse:
    doc, resend, rubric = await _posted(request)
    service = _service(request)

    engine, card = await run_in_threadpool(service.run, lambda: service.evaluate(rubric, doc))
    data = card.to_dict()
    return page(
        request,
        "result.html",
        card=data,
        groups=_groups(data),
        pack_id=engine.pack.id,
        resend=resend,
        deductions=text_render.deduction_lines(card),
    )


def _groups(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The scorecard's indicators under their groups, in table order, each group named once."""
    nodes = {n["code"]: n for n in data["nodes"]}
    out: list[dict[str, Any]] = []
    for leaf in data["indicators"]:
        parent = leaf["code"].rsplit(".", 1)[0] if "." in leaf["code"] else ""
        if not out or out[-1]["code"] != parent:
            node = nodes.get(parent, {"code": parent, "name": " / ".join(leaf["path"]), "weight": "", "score": ""})
            out.append({**node, "path": leaf["path"], "leaves": []})
        out[-1]["leaves"].append(leaf)
    return out


@router.post("/compare", response_class=HTMLResponse, include_in_schema=False)
async def compare_page(request: Request, with_: str = Form(..., alias="with")) -> HTMLResponse:
    doc, _, rubric = await _posted(request)
    service = _service(request)

    def work() -> Any:
        a = service.engine_for(rubric, doc).evaluate(doc)
        b = service.engine(with_).evaluate(doc)
        return a, b, text_render.compare_rows(a, b)

    a, b, rows = await run_in_threadpool(service.run, work)
    shown = [{k: fmt_number(v) if not isinstance(v, str) else v for k, v in r.items()} for r in rows]
    return page(request, "compare.html", a=a, b=b, rows=shown, difference=fmt_number(b.total - a.total))


@router.post("/audit", response_class=HTMLResponse, include_in_schema=False)
async def audit_page(request: Request) -> HTMLResponse:
    doc, resend, rubric = await _posted(request)
    service = _service(request)

    engine, result = await run_in_threadpool(service.run, lambda: service.audit(rubric, doc))
    rows = [{"row": r, "cells": row_cells(r)} for r in result.rows()]
    return page(
        request,
        "audit.html",
        audit=result,
        rows=rows,
        headers=AUDIT_HEADERS,
        opinion=opinion(result),
        pack_id=engine.pack.id,
        resend=resend,
    )


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
async def login_form(request: Request) -> HTMLResponse:
    return page(request, "login.html", failed=False)


@router.post("/login", include_in_schema=False)
async def login(request: Request, token: str = Form(...)) -> Response:
    import hmac

    expected = request.app.state.settings.token or ""
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        return HTMLResponse(render(request, "login.html", failed=True), status_code=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict", path="/")
    return response
