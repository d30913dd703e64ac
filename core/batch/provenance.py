"""What produced a result line: the pack, the plugins and their code, the engine, the options, the input.

An output folder outlives the command that filled it. Re-run into the same ``-o`` with
another ``--rubric``, another ``--plugin`` or edited facts, a batch that only compared
department ids would keep the old scores and label them with the new pack. So every
result line carries a stamp: the pack and engine it was scored with, the digest of the
whole run's provenance (pack, compared pack, every registered plugin's name, origin and
source hash, the engine's version and source hash, the options that change a line) and
the digest of the department's own input. ``provenance.json`` in the output folder holds
the run's provenance in full, so the run digest can be checked and explained.

A department's input digest hashes a canonical JSON of its department block and facts
(keys sorted, numbers as written), so it is the same on every run and on every machine;
a record that could not be read is hashed from its bytes.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jixiao
from jixiao.limits import LIMITS

PROVENANCE_FILE = "provenance.json"


def _short(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()[:16]


def bytes_digest(data: bytes) -> str:
    return _short(data)


def _plain(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)  # Decimal as written ("1.50" stays "1.50"), and anything else by its text


def _string_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_string_keys(v) for v in value]
    return value


def canonical(value: Any) -> bytes:
    try:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain)
    except TypeError:  # keys of mixed types (YAML allows 1: and "a": side by side)
        text = json.dumps(
            _string_keys(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain
        )
    return text.encode("utf-8", "surrogatepass")


def doc_digest(doc: dict[str, Any]) -> str:
    return _short(canonical({"department": doc.get("department"), "facts": doc.get("facts")}))


def input_digest(rec) -> str:
    """A record's input digest: its reader's, or its document's (never raises: the readers bound
    what a document holds)."""
    if rec.digest:
        return rec.digest
    try:
        return doc_digest(rec.doc)
    except (RecursionError, ValueError, TypeError):
        return _short(("unhashable\0" + rec.key).encode("utf-8", "surrogatepass"))


@functools.lru_cache(maxsize=1)
def engine_source() -> str:
    """Digest of every module of the installed ``jixiao`` package: a changed engine is another engine."""
    root = Path(jixiao.__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(root.rglob("*.py")):
        h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return "sha256:" + h.hexdigest()[:16]


def _pack(engine) -> dict[str, Any]:
    p = engine.pack
    plugins = sorted(
        ({"name": i.name, "origin": i.origin, "sha256": i.sha256} for i in engine.registry.info.values()),
        key=lambda d: d["name"],
    )
    return {"id": p.id, "version": p.version, "digest": p.digest, "plugins": plugins}


@dataclass(frozen=True)
class RunProvenance:
    """Everything a result line depends on besides the department's input."""

    record: dict[str, Any]

    @classmethod
    def of(cls, engine, compare=None, *, explain: bool = False, block: tuple[str, ...] = ()) -> RunProvenance:
        return cls(
            {
                "engine": {"version": jixiao.__version__, "source": engine_source()},
                "pack": _pack(engine),
                "compare": _pack(compare) if compare is not None else None,
                "blocked": sorted(block),
                "options": {"explain": explain},
                "limits": {
                    f.name: str(getattr(LIMITS, f.name)) for f in dataclasses.fields(LIMITS)
                },  # they decide which records are refused
            }
        )

    @functools.cached_property
    def digest(self) -> str:
        return _short(canonical(self.record))

    @property
    def pack_label(self) -> str:
        p = self.record["pack"]
        return f"{p['id']}@{p['digest']}"

    def stamp(self, input_sha: str) -> dict[str, str]:
        """The ``provenance`` of one result line."""
        return {
            "pack": self.pack_label,
            "engine": self.record["engine"]["version"],
            "run": self.digest,
            "input": input_sha,
        }

    def file_text(self) -> str:
        return json.dumps({"run": self.digest, **self.record}, ensure_ascii=False, indent=2) + "\n"


def read_recorded(outdir: Path) -> dict[str, Any] | None:
    """The provenance an earlier run wrote, if it is there and readable."""
    try:
        data = json.loads((outdir / PROVENANCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def differences(old: dict[str, Any] | None, stamp: dict[str, Any], new: RunProvenance) -> list[str]:
    """What changed between the run that wrote ``stamp`` (described in full by ``old``, when known) and this one."""
    out = []
    if old is None or old.get("run") != stamp.get("run"):
        if stamp.get("pack") != new.pack_label:
            out.append(f"评分体系：上次 {stamp.get('pack')}，本次 {new.pack_label}")
        if stamp.get("engine") != new.record["engine"]["version"]:
            out.append(f"jixiao 版本：上次 {stamp.get('engine')}，本次 {new.record['engine']['version']}")
        return out or [
            "插件、--compare、--block、--explain、"
            "--limit 或 jixiao 程序本身（上次运行的 provenance.json 缺失，无法逐项比较）"
        ]
    cur = new.record
    for part, label in (("pack", "评分体系"), ("compare", "--compare 评分体系")):
        a, b = old.get(part), cur.get(part)
        if (a or {}).get("digest") != (b or {}).get("digest") or (a or {}).get("id") != (b or {}).get("id"):
            out.append(f"{label}：上次 {_pack_text(a)}，本次 {_pack_text(b)}")
        out += _plugin_changes((a or {}).get("plugins") or [], (b or {}).get("plugins") or [])
    if old.get("engine") != cur["engine"]:
        e0, e1 = old.get("engine") or {}, cur["engine"]
        out.append(
            f"jixiao 程序：上次 {e0.get('version')}（{e0.get('source')}），本次 {e1['version']}（{e1['source']}）"
        )
    if old.get("blocked") != cur["blocked"]:
        out.append(
            f"--block：上次 {'、'.join(old.get('blocked') or []) or '无'}，本次 {'、'.join(cur['blocked']) or '无'}"
        )
    if old.get("options") != cur["options"]:
        out.append(
            f"--explain：上次{'有' if (old.get('options') or {}).get('explain') else '无'}，"
            f"本次{'有' if cur['options']['explain'] else '无'}"
        )
    if old.get("limits") != cur["limits"]:
        changed = [
            f"{k.replace('_', '-')} {(old.get('limits') or {}).get(k)} → {v}"
            for k, v in cur["limits"].items()
            if (old.get("limits") or {}).get(k) != v
        ]
        out.append(f"--limit：{'、'.join(changed)}")
    return list(dict.fromkeys(out)) or ["来源记录不同"]


def _pack_text(p: dict[str, Any] | None) -> str:
    return "无" if not p else f"{p.get('id')} {p.get('version')}（{p.get('digest')}）"


def _plugin_changes(old: list[dict], new: list[dict]) -> list[str]:
    a, b = {p["name"]: p for p in old}, {p["name"]: p for p in new}
    out = [f"插件“{n}”：本次新增（{b[n]['origin']}）" for n in b if n not in a]
    out += [f"插件“{n}”：本次没有（上次来自 {a[n]['origin']}）" for n in a if n not in b]
    for n in a.keys() & b.keys():
        if a[n]["origin"] != b[n]["origin"]:
            out.append(f"插件“{n}”：来源从 {a[n]['origin']} 变为 {b[n]['origin']}")
        elif a[n]["sha256"] != b[n]["sha256"]:
            out.append(f"插件“{n}”（{b[n]['origin']}）：代码已修改")
    return sorted(out)
