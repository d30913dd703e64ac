"""What a request may ask of the engine: installed packs only, documents read as the CLI reads them.

The server's operator chose the code that runs — the installed packs and their plugins —
so a request names a pack by its id, never by a path. A facts document comes as a JSON
body, an uploaded file or the generated form's fields, and goes through the CLI's own
readers (``read_facts_file``, ``normalise_document``) under the same limits; an uploaded
file lives in a temporary folder for the request only, and messages name it as uploaded.
An uploaded *pack* is data: shown, checked and diffed, never a source of plugin code.
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from .. import errors
from ..engine import Engine
from ..errors import JixiaoError, Problem
from ..facts_document import normalise_document, read_facts_file
from ..pack import available_packs, load_pack
from ..pack.discovery import installed
from ..pack.model import Pack
from ..registry import Registry
from ..yamlio import load_text

FACT_SUFFIXES = (".xlsx", ".yaml", ".yml", ".json")
REQUEST_MEDIA = errors.REQUEST_MEDIA
T = TypeVar("T")


@dataclass(frozen=True)
class Upload:
    """A file a user sent: the name it had on their machine, and its bytes."""

    name: str
    data: bytes


class Service:
    """The engines of the installed packs, built once each and used one request at a time."""

    def __init__(self) -> None:
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()

    def run(self, work: Callable[[], T]) -> T:
        """Run ``work`` under the engine lock: scoring is CPU-bound and the engines are shared."""
        with self._lock:
            return work()

    def engine(self, pack_id: str) -> Engine:
        """The engine of the installed pack ``pack_id``; anything else — a path, a name not installed — is refused."""
        packs = available_packs()
        if pack_id not in packs:
            raise JixiaoError(
                Problem(
                    errors.PACK_NOT_FOUND,
                    f"没有已安装的评分体系“{pack_id}”；可选：{'、'.join(packs) or '（无）'}",
                    field="rubric",
                    value=pack_id,
                    expected="已安装的评分体系编号",
                )
            )
        if pack_id not in self._engines:
            self._engines[pack_id] = Engine.from_rubric(packs[pack_id], rules="python")
        return self._engines[pack_id]

    def engine_for(self, rubric: str | None, doc: dict[str, Any]) -> Engine:
        """The pack a request names (``?rubric=``), else the one its document names — an installed id either way."""
        chosen = rubric or doc.get("rubric")
        if not chosen:
            raise JixiaoError(
                Problem(
                    errors.PACK_NOT_FOUND,
                    "未指定评分体系：请在请求中写 rubric=编号，或在事实文件中写 rubric: 编号",
                    field="rubric",
                    expected="已安装的评分体系编号",
                )
            )
        return self.engine(chosen)

    def evaluate(self, rubric: str | None, doc: dict[str, Any]) -> tuple[Engine, Any]:
        """The engine a request chose and its scorecard of ``doc`` (call inside ``run``)."""
        engine = self.engine_for(rubric, doc)
        return engine, engine.evaluate(doc)

    def audit(self, rubric: str | None, doc: dict[str, Any]) -> tuple[Engine, Any]:
        """复核 of ``doc``: CLAIM_MISSING when it claims nothing, as ``jixiao audit`` says (call inside ``run``)."""
        from ..cli_audit import claims_missing

        engine = self.engine_for(rubric, doc)
        if not doc.get("claimed"):
            raise claims_missing(doc)
        return engine, engine.audit(doc)


def document_from_json(body: bytes) -> dict[str, Any]:
    """A facts document sent as a JSON body: read as strictly as a ``.json`` file (duplicate keys, depth, numbers)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JixiaoError(
            Problem(
                errors.FACTS_ENCODING,
                f"请求正文不是 UTF-8 编码的 JSON（第 {exc.start + 1} 个字节无法解码）",
                field="body",
            )
        ) from None
    return normalise_document(parsed(text, ".json", "请求正文无法解析：", "body"), "请求正文")


def parsed(text: str, suffix: str, lead: str, field: str) -> Any:
    """``text`` read as YAML or JSON as strictly as a file; what the reader refuses keeps its code (FACTS_FORMAT
    for a syntax error), its message after ``lead``."""
    try:
        return load_text(text, suffix)
    except JixiaoError:
        raise
    except Exception as exc:
        code = getattr(exc, "code", None) or errors.FACTS_FORMAT
        raise JixiaoError(Problem(code, f"{lead}{exc}", field=field)) from None


def safe_name(name: str, suffixes: tuple[str, ...]) -> str:
    """The uploaded file's own name, without any folder, if it ends as one of ``suffixes``; else REQUEST_MEDIA."""
    base = re.split(r"[\\/]", name or "")[-1].strip()[:120]
    if not base.lower().endswith(suffixes) or base.startswith("."):
        raise JixiaoError(
            Problem(
                REQUEST_MEDIA,
                f"上传的文件“{base or '（无名）'}”不是可读取的类型：应为 {'、'.join(suffixes)} 文件",
                field="file",
                value=base,
                expected="、".join(suffixes),
            )
        )
    return base


@contextmanager
def saved(upload: Upload, suffixes: tuple[str, ...]) -> Iterator[Path]:
    """The upload as a file in a folder of its own, for this request only; messages name it as the user did."""
    name = safe_name(upload.name, suffixes)
    with tempfile.TemporaryDirectory(prefix="jixiao-web-") as folder:
        path = Path(folder) / name
        path.write_bytes(upload.data)
        try:
            yield path
        except JixiaoError as exc:
            raise relabelled(exc, folder) from None


def relabelled(exc: JixiaoError, folder: str) -> JixiaoError:
    """``exc`` with the temporary folder taken out of every message: the user sees ``facts.xlsx``, as they sent it."""
    prefixes = (folder.rstrip("/") + "/", str(Path(folder).resolve()).rstrip("/") + "/")

    def clean(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        for prefix in prefixes:
            value = value.replace(prefix, "")
        return value

    problems = [
        replace(p, **{k: clean(getattr(p, k)) for k in ("message", "field", "value", "location", "file", "detail")})
        for p in exc.problems
    ]
    return JixiaoError(problems)


def document_from_upload(upload: Upload) -> dict[str, Any]:
    """A facts document uploaded as a file: a filled workbook, YAML or JSON, read as ``jixiao evaluate`` reads it."""
    with saved(upload, FACT_SUFFIXES) as path:
        doc = read_facts_file(path)
        doc["source"] = path.name
        return doc


SCALAR_KINDS = frozenset({"money", "number", "count", "rate", "bool", "choice", "score", "text", "date"})


def document_from_fields(engine: Engine, fields: dict[str, str], department: dict[str, str]) -> dict[str, Any]:
    """A facts document from the generated form: each non-empty field as written, for the engine to read.

    A field of a fact that is a list (the rows of a project's 产出指标, a table) holds YAML or
    JSON, read as strictly as a facts file.
    """
    specs = engine.fact_model.specs
    facts: dict[str, Any] = {}
    for name, value in fields.items():
        if not value.strip():
            continue
        spec = specs.get(name)
        if spec is not None and spec.kind not in SCALAR_KINDS:
            facts[name] = parsed(value, ".yaml", f"网页表单：事实“{spec.label}”（{name}）无法读取：", name)
        else:
            facts[name] = value.strip()
    return normalise_document({"rubric": engine.pack.id, "department": department, "facts": facts}, "网页表单")


@contextmanager
def pack_from_upload(upload: Upload) -> Iterator[tuple[Pack, Path]]:
    """An uploaded ``pack.yaml``, loaded as data: no plugin code of its own, a base only among the installed packs."""
    with saved(upload, (".yaml", ".yml")) as path:
        refuse_code(path)
        target = path.with_name("pack.yaml")
        if target != path:
            path.rename(target)
        yield load_pack(target), target


def refuse_code(path: Path) -> None:
    """Refuse, before anything loads, a pack that would bring code or reach for files on the server."""
    raw = load_text(path.read_text(encoding="utf-8", errors="replace"), ".yaml")
    if not isinstance(raw, dict):
        return  # the loader says what is wrong with it
    if raw.get("plugins"):
        raise JixiaoError(
            Problem(
                errors.PLUGIN_UNTRUSTED,
                f"{path}：上传的评分体系写有 plugins:（{raw['plugins']!r}）。网页服务只把上传的评分体系当作数据"
                "（检查、查看、对比），不会运行其中的插件代码；请去掉 plugins:，或由管理员安装该评分体系",
                field="plugins",
                value=raw["plugins"],
                expected="不含 plugins:",
            )
        )
    base = raw.get("extend")
    packs = available_packs()
    if base is not None and (not isinstance(base, str) or base not in packs):
        raise JixiaoError(
            Problem(
                errors.PACK_NOT_FOUND,
                f"{path}：extend: {base!r} 不是已安装的评分体系；上传的评分体系只能在已安装的体系上调整"
                f"（可选：{'、'.join(packs) or '（无）'}）",
                field="extend",
                value=base,
                expected="已安装的评分体系编号",
            )
        )


def data_engine(pack: Pack) -> Engine:
    """An engine for a pack that is data only: jixiao's own plugins and the installed ones, nothing the pack brings."""
    registry = Registry()
    registry.load_entry_points()
    for f in pack.plugin_files:  # an installed base's own plugins (``refuse_code`` let no other through)
        if installed(f):
            registry.load_file(f)
    registry.check_pending()
    return Engine(pack, registry, "python")
