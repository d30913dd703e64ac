"""The request guard: what every request passes before the app sees it.

A scoring server on a bureau's desk is reachable by every page its users open. So:
the Host header must be one the server answers to (a page on another site that rebinds
its DNS name to 127.0.0.1 is refused), a POST from another site is refused
(``Sec-Fetch-Site``, else ``Origin``), the body is read whole only up to the size limit
(413 as soon as it is passed, whatever ``Content-Length`` claimed), and with a token set,
nothing but the login page answers without it. No CORS header is ever sent.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from ..errors import AUTH_REQUIRED, CROSS_SITE, HOST_REFUSED
from ..errors import INPUT_LIMIT as BODY_LIMIT
from ..limits import MB

TOKEN_COOKIE = "jixiao_token"
OPEN_PATHS = ("/login",)  # answered without the token


@dataclass
class GuardSettings:
    hosts: frozenset[str] = field(default_factory=lambda: frozenset({"127.0.0.1", "localhost", "::1"}))
    max_body: int = 20 * MB
    token: str | None = None


def host_name(value: str) -> str:
    """``example.org`` of ``example.org:8080``, ``::1`` of ``[::1]:8080``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Guard:
    """ASGI middleware: refuses before the app runs, in the app's error shape (JSON, or a page for a browser)."""

    def __init__(self, app: Any, settings: GuardSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self.refusal(scope, headers)
        if refusal is not None:
            await _answer(send, scope, headers, *refusal)
            return
        length = headers.get("content-length", "")
        limit = self.settings.max_body
        if length.isdigit() and int(length) > limit:
            await _answer(send, scope, headers, 413, BODY_LIMIT, _too_big(int(length), limit))
            return
        body, more, received = bytearray(), True, []
        while more:
            message = await receive()
            if message["type"] != "http.request":
                received.append(message)
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await _answer(send, scope, headers, 413, BODY_LIMIT, _too_big(len(body), limit))
                return
        replay = [{"type": "http.request", "body": bytes(body), "more_body": False}] + received

        async def replayed() -> Any:
            return replay.pop(0) if replay else await receive()

        await self.app(scope, replayed, send)

    def refusal(self, scope: dict, headers: dict[str, str]) -> tuple[int, str, str] | None:
        host = headers.get("host", "")
        if host_name(host) not in self.settings.hosts:
            return (
                400,
                HOST_REFUSED,
                f"本服务不以“{host}”为主机名提供服务（可用：{'、'.join(sorted(self.settings.hosts))}）；"
                "如经反向代理访问，请用 jixiao serve --allowed-host 加上该主机名",
            )
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and _cross_site(headers, host):
            return 403, CROSS_SITE, "拒绝来自其他网站的提交：请在本服务的页面上操作"
        token = self.settings.token
        if token and scope["path"] not in OPEN_PATHS and not _has_token(headers, token):
            return 401, AUTH_REQUIRED, "需要访问令牌：请先登录（/login），或在请求头中写 Authorization: Bearer 令牌"
        return None


def _cross_site(headers: dict[str, str], host: str) -> bool:
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = headers.get("origin")
    return origin is not None and urlsplit(origin).netloc.lower() != host.lower()


def _has_token(headers: dict[str, str], token: str) -> bool:
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer ") and hmac.compare_digest(auth[7:].strip().encode(), token.encode()):
        return True
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:
        return False
    sent = cookie.get(TOKEN_COOKIE)
    return sent is not None and hmac.compare_digest(sent.value.encode(), token.encode())


def _too_big(size: int, limit: int) -> str:
    return f"请求正文超过上限：至少 {size:,} 字节，上限 {limit:,} 字节（jixiao serve --max-upload-mb 可调整）"


async def _answer(send: Any, scope: dict, headers: dict[str, str], status: int, code: str, message: str) -> None:
    """The refusal, as JSON for the API and scripts, as a short Chinese page for a browser."""
    wants_page = not scope["path"].startswith("/api") and "text/html" in headers.get("accept", "")
    if wants_page:
        login = '<p><a href="/login">登录</a></p>' if status == 401 else ""
        body = (
            '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>无法访问</title>'
            f"<h1>无法访问</h1><p>[{code}] {_escape(message)}</p>{login}</html>"
        ).encode()
        kind = b"text/html; charset=utf-8"
    else:
        body = json.dumps({"errors": [{"code": code, "message": message}]}, ensure_ascii=False).encode()
        kind = b"application/json"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
