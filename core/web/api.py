"""``/api``: the commands over HTTP. Each answer is the bytes the CLI prints for the same input.

A scoring answer is 200 even when the scorecard is incomplete, as the CLI still prints
it; ``X-Jixiao-Exit-Code`` carries the exit code the CLI would give, and the pack that
scored is named in ``X-Jixiao-Rubric`` and ``X-Jixiao-Rubric-Digest``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from .. import answers, errors, exitcodes
from ..engine import Engine
from ..errors import JixiaoError, Problem
from ..formats import FORMATS
from .service import REQUEST_MEDIA, Upload, data_engine, document_from_json, document_from_upload, pack_from_upload

router = APIRouter(prefix="/api")
MEDIA = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "table": "text/plain; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EVALUATE_FORMATS = ("json", "html", "xlsx", "docx", "markdown", "table")
AUDIT_FORMATS = ("json", "markdown", "table", "xlsx", "docx")


def answer(out: str | bytes, fmt: str, *, engine: Engine | None = None, exit_code: int = 0, name: str = "") -> Response:
    """The CLI's output as a response: text as ``click.echo`` prints it (with its newline), files as attachments."""
    body = out if isinstance(out, bytes) else (out + "\n").encode("utf-8")
    headers = {"X-Jixiao-Exit-Code": str(exit_code)}
    if engine is not None:
        info = engine.rubric_info
        headers["X-Jixiao-Rubric"] = quote(f"{info['id']}@{info['version']}", safe="@.-_")
        headers["X-Jixiao-Rubric-Digest"] = info["digest"]
    if isinstance(out, bytes):
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name + '.' + fmt)}"
    return Response(body, media_type=MEDIA.get(fmt, "application/json"), headers=headers)


def exit_code_of(*cards: Any) -> int:
    return exitcodes.INCOMPLETE if any(not c.complete or c.fact_problems for c in cards) else exitcodes.OK


async def read_upload(request: Request, field: str = "file") -> Upload:
    """The one file a multipart request carries under ``field``."""
    form = await read_form(request)
    item = form.get(field)
    if item is None or isinstance(item, str):
        raise JixiaoError(Problem(REQUEST_MEDIA, f"请求中没有上传文件（表单字段 {field}）", field=field))
    return Upload(item.filename or "", await item.read())


async def read_document(request: Request) -> dict[str, Any]:
    """The facts document of a request: a JSON body, or a form carrying a file (``file``), a page's
    re-sent file (``file_b64`` + ``file_name``) or a JSON document (``document``)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        return document_from_json(await request.body())
    if kind not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise JixiaoError(
            Problem(
                REQUEST_MEDIA,
                f"请求正文类型“{kind or '（未写）'}”无法读取：应为 application/json 的事实文档，"
                "或 multipart/form-data 上传的事实文件（字段 file：.xlsx、.yaml、.json）",
                field="Content-Type",
                value=kind,
                expected="application/json 或 multipart/form-data",
            )
        )
    form = await read_form(request)
    item = form.get("file")
    if item is not None and not isinstance(item, str) and item.filename:
        upload = Upload(item.filename, await item.read())
        return await run_in_threadpool(document_from_upload, upload)
    if isinstance(form.get("file_b64"), str):
        try:
            data = base64.b64decode(str(form["file_b64"]), validate=True)
        except (binascii.Error, ValueError):
            raise JixiaoError(Problem(REQUEST_MEDIA, "表单字段 file_b64 不是 base64 编码", field="file_b64")) from None
        return await run_in_threadpool(document_from_upload, Upload(str(form.get("file_name", "")), data))
    if isinstance(form.get("document"), str):
        return document_from_json(str(form["document"]).encode("utf-8"))
    raise JixiaoError(
        Problem(REQUEST_MEDIA, "请求中没有事实文件：请上传 .xlsx、.yaml 或 .json 文件（表单字段 file）", field="file")
    )


async def read_form(request: Request) -> Any:
    """The request's form, parsed once, its fields and files within the upload limit."""
    limit = request.app.state.settings.max_upload_mb * 1024 * 1024
    return await request.form(max_files=4, max_fields=5000, max_part_size=limit)


def _format(fmt: str, allowed: tuple[str, ...]) -> str:
    if fmt not in allowed:
        raise JixiaoError(
            Problem(
                errors.OUTPUT_FORMAT,
                f"不支持的格式 format={fmt}；可选：{'、'.join(allowed)}",
                field="format",
                value=fmt,
                expected="、".join(allowed),
            )
        )
    return fmt


def _service(request: Request) -> Any:
    return request.app.state.service


@router.get("/rubrics", summary="已安装的评分体系（同 jixiao rubrics --format json）")
async def rubrics(request: Request) -> Response:
    entries = await run_in_threadpool(_service(request).run, answers.pack_entries)
    return answer(answers.rubrics_json(entries), "json", exit_code=1 if any("error" in e for e in entries) else 0)


@router.get("/rubrics/{pack_id}", summary="一个评分体系的指标树、评分规则与事实（同 jixiao rubric show --format json）")
async def rubric(request: Request, pack_id: str) -> Response:
    service = _service(request)
    engine = await run_in_threadpool(service.run, lambda: service.engine(pack_id))
    return answer(answers.pack_json(engine), "json", engine=engine)


@router.get("/rubrics/{a}/diff/{b}", summary="两个评分体系的差异（同 jixiao rubric diff A B --format json）")
async def diff(request: Request, a: str, b: str) -> Response:
    from ..rubric_tools.changes import diff_packs

    service = _service(request)

    def work() -> str:
        service.engine(a), service.engine(b)  # installed packs only, never a path
        return answers.diff_json(diff_packs(a, b))

    return answer(await run_in_threadpool(service.run, work), "json")


@router.get("/rubrics/{pack_id}/template", summary="评分体系的 Excel 事实填报表（同 jixiao template）")
async def template(request: Request, pack_id: str) -> Response:
    service = _service(request)

    def work() -> tuple[Engine, bytes]:
        engine = service.engine(pack_id)
        if engine.pack.form is not None:
            from ..office.project_form import form_template

            return engine, form_template(engine, None)
        from ..office.template import template_workbook

        return engine, template_workbook(engine, None)

    engine, data = await run_in_threadpool(service.run, work)
    return answer(data, "xlsx", engine=engine, name=f"{pack_id}-填报表")


@router.get("/plugins", summary="指标插件及其来源（同 jixiao plugins --format json）")
async def plugins(request: Request, rubric: str | None = None) -> Response:
    service = _service(request)

    def work() -> str:
        from ..registry import Registry

        if rubric:
            return answers.plugins_json(service.engine(rubric).registry)
        registry = Registry()
        registry.load_entry_points()
        return answers.plugins_json(registry)

    return answer(await run_in_threadpool(service.run, work), "json")


@router.post("/evaluate", summary="为一个部门计分（同 jixiao evaluate --format …）")
async def evaluate(request: Request, rubric: str | None = None, format: str = "json") -> Response:
    fmt = _format(format, EVALUATE_FORMATS)
    doc = await read_document(request)
    service = _service(request)

    def work() -> tuple[Engine, Any, str | bytes]:
        engine, card = service.evaluate(rubric, doc)
        return engine, card, FORMATS[fmt](card, engine)

    engine, card, out = await run_in_threadpool(service.run, work)
    name = f"{card.department_name or card.department_id}-评分"
    return answer(out, fmt, engine=engine, exit_code=exit_code_of(card), name=name)


@router.post("/explain", summary="一个指标得分的解释（同 jixiao explain --format json）")
async def explain(request: Request, indicator: str = Query(...), rubric: str | None = None) -> Response:
    doc = await read_document(request)
    service = _service(request)

    def work() -> tuple[Engine, Any, str]:
        engine, card = service.evaluate(rubric, doc)
        leaf = answers.leaf_named(card, indicator)
        return engine, card, answers.explain_json(leaf)

    engine, card, out = await run_in_threadpool(service.run, work)
    return answer(out, "json", engine=engine, exit_code=exit_code_of(card))


@router.post("/compare", summary="一个部门按两个评分体系计分，逐项并列（同 jixiao evaluate --compare B --format json）")
async def compare(request: Request, rubric: str | None = None, with_: str = Query(..., alias="with")) -> Response:
    from .. import render

    doc = await read_document(request)
    service = _service(request)

    def work() -> tuple[Engine, list[Any], str]:
        first = service.engine_for(rubric, doc)
        second = service.engine(with_)
        a, b = first.evaluate(doc), second.evaluate(doc)
        return first, [a, b], render.compare_json(a, b)

    engine, cards, out = await run_in_threadpool(service.run, work)
    return answer(out, "json", engine=engine, exit_code=exit_code_of(*cards))


@router.post("/audit", summary="复核部门自评：所填得分与重新计分逐项比对（同 jixiao audit --format …）")
async def audit(request: Request, rubric: str | None = None, format: str = "json") -> Response:
    from ..cli_audit import write_audit

    fmt = _format(format, AUDIT_FORMATS)
    doc = await read_document(request)
    service = _service(request)

    def work() -> tuple[Engine, Any, str | bytes]:
        engine, result = service.audit(rubric, doc)
        return engine, result, write_audit(result, fmt)

    engine, result, out = await run_in_threadpool(service.run, work)
    code = exitcodes.INCOMPLETE if not result.complete or result.card.fact_problems else exitcodes.OK
    name = f"{result.card.department_name or result.card.department_id}-复核"
    return answer(out, fmt, engine=engine, exit_code=code, name=name)


@router.post("/rubrics/check", summary="检查上传的评分体系（同 jixiao rubric check --format json）；不运行其中任何代码")
async def check_upload(request: Request) -> Response:
    from ..rubric_tools.check import check_pack
    from .service import refuse_code, saved

    upload = await read_upload(request)

    def work() -> tuple[str, bool]:
        with saved(upload, (".yaml", ".yml")) as path:
            refuse_code(path)
            target = path.with_name("pack.yaml")
            path.rename(target)
            report = check_pack(target)
            text = answers.dumps(report.to_dict()).replace(str(target.parent) + "/", "")
            return text, report.ok

    text, ok = await run_in_threadpool(_service(request).run, work)
    return answer(text, "json", exit_code=0 if ok else exitcodes.USAGE)


@router.post("/rubrics/show", summary="查看上传的评分体系（同 jixiao rubric show --format json）；只用已安装的插件")
async def show_upload(request: Request) -> Response:
    upload = await read_upload(request)

    def work() -> str:
        with pack_from_upload(upload) as (pack, _):
            return answers.pack_json(data_engine(pack))

    return answer(await run_in_threadpool(_service(request).run, work), "json")


@router.post("/rubrics/diff", summary="上传的评分体系与已安装体系的差异（同 jixiao rubric diff --format json）")
async def diff_upload(request: Request, with_: str = Query(..., alias="with")) -> Response:
    from ..rubric_tools.changes import diff_packs

    upload = await read_upload(request)
    service = _service(request)

    def work() -> str:
        service.engine(with_)
        with pack_from_upload(upload) as (_, path):
            return answers.diff_json(diff_packs(path, with_))

    return answer(await run_in_threadpool(service.run, work), "json")
