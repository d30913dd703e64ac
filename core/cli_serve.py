"""``jixiao serve``: the web pages and API (``jixiao[web]``), on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import click

from . import errors
from .errors import JixiaoError, Problem


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址；对外提供服务请放在反向代理之后。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="端口。")
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    help="另外接受的主机名（可多次），如经反向代理以 jixiao.example.gov.cn 访问时。",
)
@click.option(
    "--max-upload-mb",
    default=20,
    show_default=True,
    type=click.IntRange(1, 1024),
    help="一个请求（含上传文件）的大小上限（MB）。",
)
@click.option(
    "--token-env",
    metavar="NAME",
    help="从环境变量 NAME 读取访问令牌：设置后，每个请求须带 Authorization: Bearer 令牌（网页经 /login 登录）。",
)
def serve(host: str, port: int, allowed_hosts: tuple[str, ...], max_upload_mb: int, token_env: str | None) -> None:
    """启动网页服务：评分体系、计分、解释、并列比较与复核的页面和 API（需安装 jixiao[web]）。"""
    import os

    try:
        import uvicorn

        from .web.app import ServeSettings, create_app
    except ImportError as exc:
        raise JixiaoError(
            Problem(
                errors.OPTION_INVALID,
                f"jixiao serve 需要网页组件（缺少 {exc.name}）：请安装 pip install 'jixiao[web]'",
                field="serve",
            )
        ) from None
    token = None
    if token_env:
        token = os.environ.get(token_env, "")
        if len(token) < 16:
            raise JixiaoError(
                Problem(
                    errors.OPTION_INVALID,
                    f"环境变量 {token_env} 中的访问令牌{'为空' if not token else '太短'}：至少 16 个字符",
                    field="--token-env",
                    value=token_env,
                    expected="至少 16 个字符的令牌",
                )
            )
    settings = ServeSettings(
        host=host, port=port, allowed_hosts=allowed_hosts, max_upload_mb=max_upload_mb, token=token
    )
    config = uvicorn.Config(
        create_app(settings), host=host, port=port, log_level="warning", proxy_headers=False, server_header=False
    )
    sock = _listen(host, port)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"jixiao 网页服务：http://{shown}:{sock.getsockname()[1]}/ （Ctrl-C 停止）")
    uvicorn.Server(config).run(sockets=[sock])


def _listen(host: str, port: int):
    """The listening socket, bound before the address is printed: a port in use is said plainly."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise JixiaoError(
            Problem(
                errors.OPTION_INVALID,
                f"无法在 {host}:{port} 上提供服务：{exc.strerror or exc}"
                "（端口被占用，或地址不属于本机）；请用 --port 换一个端口",
                field="--port",
                value=port,
            )
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock
