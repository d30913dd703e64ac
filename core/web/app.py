"""The app: the guard around it, errors as the CLI's problems with an HTTP status, the version on every answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from .. import __version__, errors
from ..errors import JixiaoError, Problem
from ..limits import MB
from .guard import Guard, GuardSettings
from .service import Service

REQUEST_INVALID, NOT_FOUND = errors.REQUEST_INVALID, errors.NOT_FOUND

# A user mistake is a 4xx, by what went wrong; any other problem with the document or a pack is 422.
STATUS_BY_CODE = {
    REQUEST_INVALID: 400,
    errors.OPTION_INVALID: 400,
    errors.OUTPUT_FORMAT: 400,
    errors.OUTPUT_REQUIRED: 400,
    NOT_FOUND: 404,
    errors.INDICATOR_UNKNOWN: 404,
    errors.INPUT_LIMIT: 413,
    errors.REQUEST_MEDIA: 415,
}


@dataclass
class ServeSettings:
    """How ``jixiao serve`` runs: the address, the host names it answers to, the body limit, an optional token."""

    host: str = "127.0.0.1"
    port: int = 8000
    allowed_hosts: tuple[str, ...] = ()
    max_upload_mb: int = 20
    token: str | None = None

    def guard(self) -> GuardSettings:
        hosts = {"127.0.0.1", "localhost", "::1", self.host.lower(), *(h.lower() for h in self.allowed_hosts)}
        return GuardSettings(hosts=frozenset(hosts), max_body=self.max_upload_mb * MB, token=self.token)


def status_of(problems: list[Problem]) -> int:
    if not problems:
        return 422
    first = problems[0]
    if first.code == errors.PACK_NOT_FOUND and first.field == "rubric":  # the pack a request names
        return 400 if first.value is None else 404
    if first.code == errors.PACK_NOT_FOUND:  # a base an uploaded pack names: the pack is what is wrong
        return 422
    return STATUS_BY_CODE.get(first.code, 422)


def problems_json(problems: list[Problem]) -> dict[str, Any]:
    return {"errors": [p.to_dict() for p in problems]}


def create_app(settings: ServeSettings | None = None) -> Any:
    """The ASGI app: the API under ``/api``, the pages everywhere else, all behind the guard."""
    from . import api, pages

    settings = settings or ServeSettings()
    app = FastAPI(
        title="jixiao 绩效评分服务",
        version=__version__,
        description="按评分体系为部门整体支出/项目支出绩效评价计分、解释、对比与复核。答案与命令行的 JSON 相同。",
        docs_url=None,  # the interactive docs load scripts from a CDN; /api is a page of our own
        redoc_url=None,
        openapi_url="/api/spec",
    )
    app.state.service = Service()
    app.state.settings = settings
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(JixiaoError)
    async def jixiao_error(request: Request, exc: JixiaoError) -> Response:
        return error_response(request, exc.problems)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            Problem(
                REQUEST_INVALID,
                f"请求参数 {'.'.join(str(x) for x in e['loc'][1:]) or e['loc'][0]} 无效：{_reason(e)}",
                field=".".join(str(x) for x in e["loc"]),
            )
            for e in exc.errors()
        ]
        return error_response(request, problems)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        code = NOT_FOUND if exc.status_code == 404 else REQUEST_INVALID
        text = "没有这个地址" if exc.status_code == 404 else f"请求无法处理（HTTP {exc.status_code}）"
        return error_response(request, [Problem(code, f"{text}：{request.url.path}")], exc.status_code)

    @app.middleware("http")
    async def version_header(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        response.headers["X-Jixiao-Version"] = __version__
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
        return response

    return Guard(app, settings.guard())


def _reason(e: Any) -> str:
    return "缺少必填项" if e["type"] == "missing" else f"{e['msg']}（值：{e.get('input')!r}）"


def error_response(request: Request, problems: list[Problem], status: int | None = None) -> Response:
    """Problems as JSON for ``/api``, as a page for a browser; the same codes and messages as the CLI."""
    status = status or status_of(problems)
    if request.url.path.startswith("/api"):
        return JSONResponse(problems_json(problems), status_code=status)
    from .pages import render

    return HTMLResponse(render(request, "error.html", problems=problems), status_code=status)
