"""YAML and JSON reading that never produces a float: numbers become Decimal as written."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml


class _DecimalLoader(yaml.SafeLoader):
    pass


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")  # type: ignore[arg-type]
    if text.lower() in {".inf", "+.inf", "-.inf", ".nan"}:
        raise yaml.constructor.ConstructorError(None, None, f"不支持的数值 {text}", node.start_mark)
    return Decimal(text)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def load_text(text: str, suffix: str = ".yaml") -> Any:
    if suffix == ".json":
        return json.loads(text, parse_float=Decimal)
    return yaml.load(text, Loader=_DecimalLoader)


def load_path(path: Path) -> Any:
    return load_text(path.read_text(encoding="utf-8"), path.suffix.lower())
