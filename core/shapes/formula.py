"""Derived metrics written in the pack as formulas ("(本年 − 上年) / 上年"), evaluated with Decimal.

Parsing and evaluation are simpleeval's (a maintained, sandboxed evaluator; never
``eval``). The formula is parsed once at pack load, where names that are not declared
numeric facts or metrics are refused; number literals become Decimal as written.
"""
from __future__ import annotations

import ast
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Mapping

from simpleeval import SimpleEval

from .. import errors
from ..errors import FactError, JixiaoError, Problem

FUNCTIONS = {"min": min, "max": max, "abs": abs}
_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Load, ast.Call,
            ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd, ast.Pow)


class _DecimalEval(SimpleEval):
    def _eval_constant(self, node):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ValueError(f"公式中只能使用数值常量，不能使用 {node.value!r}")
        return Decimal(repr(node.value)) if isinstance(node.value, float) else Decimal(node.value)


class Formula:
    def __init__(self, text: str, known: Mapping[str, object], where: str):
        self.text = str(text)
        try:
            tree = ast.parse(self.text.replace("−", "-").replace("×", "*").replace("÷", "/"), mode="eval")
        except SyntaxError as exc:
            raise JixiaoError(Problem(errors.PACK_FORMULA, f"{where}：公式“{self.text}”无法解析：{exc.msg}（第 {exc.offset} 个字符附近）", field="formula", value=self.text, location=where)) from None
        for node in ast.walk(tree):
            if not isinstance(node, _ALLOWED):
                raise JixiaoError(Problem(errors.PACK_FORMULA, f"{where}：公式“{self.text}”使用了不允许的写法 {type(node).__name__}：只能用 + − × ÷ ** 、括号、数值、事实名和 min/max/abs", field="formula", value=self.text, location=where))
            if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
                raise JixiaoError(Problem(errors.PACK_FORMULA, f"{where}：公式“{self.text}”只能调用 min、max、abs", field="formula", value=self.text, location=where))
        called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)}
        self.names = sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - called)
        unknown = [n for n in self.names if n not in known]
        if unknown:
            raise JixiaoError(Problem(errors.PACK_FORMULA, f"{where}：公式“{self.text}”使用了未声明的名称：{'、'.join(unknown)}", field="formula", value=self.text, location=where))
        self.tree = tree.body
        self.evaluator = _DecimalEval(functions=FUNCTIONS)

    def evaluate(self, values: Mapping[str, Decimal], label: str) -> Decimal:
        self.evaluator.names = {n: Decimal(values[n]) for n in self.names}
        try:
            return Decimal(self.evaluator.eval(self.text, previously_parsed=self.tree))
        except (ZeroDivisionError, DivisionByZero, InvalidOperation):
            raise FactError(Problem(errors.FACT_ZERO_DIVISOR, f"计算“{label}”（{self.text}）时出现除以 0，无法计算", field=",".join(self.names), value=0, expected="分母不为 0 的事实")) from None
