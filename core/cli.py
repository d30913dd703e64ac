"""The ``jixiao`` command. User mistakes print ``错误 [CODE] …`` and exit 2, never a traceback."""

from __future__ import annotations

import logging
import sys

import click

from . import errors, exitcodes
from .controls import echo
from .errors import JixiaoError
from .formats import FORMATS
from .output import emit, write_output


class _Group(click.Group):
    """Every command's errors end the same way, with the codes of ``exitcodes``."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except JixiaoError as exc:
            for p in exc.problems:
                echo(f"错误 [{p.code}] {p.message}", err=True)
            sys.exit(exitcodes.USAGE)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            echo("\n已中断（Ctrl-C）：没有写出结果。", err=True)
            sys.exit(exitcodes.INTERRUPTED)
        except BrokenPipeError:  # output piped into head & co.
            sys.stderr.close()
            sys.exit(exitcodes.OK)
        except Exception as exc:  # a bug, not a user mistake: say so, briefly
            if ctx.params.get("debug") or "--debug" in sys.argv:
                raise
            echo(f"内部错误：{type(exc).__name__}: {exc}（加 --debug 查看详情，并请报告此问题）", err=True)
            sys.exit(exitcodes.INTERNAL)


def _exit_for(*cards) -> None:
    """Exit 1 when a scorecard is incomplete or some of its facts were refused (see ``exitcodes``)."""
    if any(not card.complete or card.fact_problems for card in cards):
        sys.exit(exitcodes.INCOMPLETE)


def _setup_logging(log_json: bool) -> None:
    logger = logging.getLogger("jixiao")
    logger.handlers.clear()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if log_json else logging.WARNING)
    logger.propagate = False


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--log-json", is_flag=True, help="在标准错误输出 JSON 格式的审计日志（每个指标一条）。")
@click.option(
    "--limit",
    "limits",
    multiple=True,
    metavar="NAME=N",
    help="提高输入上限（可多次）：yaml-nodes、depth、facts、suggestions，见 docs/architecture.md。",
)
@click.option("--debug", is_flag=True, hidden=True)
def main(log_json: bool, limits: tuple[str, ...], debug: bool) -> None:
    """jixiao（绩效）：按评分体系为部门整体支出/项目支出绩效评价计分。"""
    from .limits import reset, set_limit

    _setup_logging(log_json)
    reset()
    for text in limits:
        set_limit(text)


_rubric_opt = click.option("--rubric", "-r", help="评分体系编号或 pack.yaml 路径（缺省取事实文件中的 rubric）。")
_plugin_opt = click.option(
    "--plugin", "plugins", multiple=True, type=click.Path(dir_okay=False), help="加载本地插件文件（可多次）。"
)
_block_opt = click.option("--block", multiple=True, help="停用指定名称的插件（可多次）。")
_rules_opt = click.option(
    "--rules",
    type=click.Choice(["python", "durable", "auto"]),
    default="python",
    show_default=True,
    help="规则引擎：python（缺省），或 durable（需安装 jixiao[durable]）；auto 等同 python。",
)


def _engine(rubric, plugins, block, rules, facts_path=None):
    """The engine for ``--rubric``, or for the pack the facts file names: that one only if it runs no code."""
    from .engine import Engine
    from .facts_document import read_facts_file
    from .pack import load_pack

    doc = None
    if facts_path is not None:
        doc = read_facts_file(facts_path)
    if rubric:
        return Engine.from_rubric(rubric, plugins=plugins, block=block, rules=rules), doc
    if doc is None or not doc.get("rubric"):
        raise JixiaoError(
            _problem("PACK_NOT_FOUND", "未指定评分体系：请用 --rubric 指定，或在事实文件中写 rubric: 编号")
        )
    return Engine.from_rubric(
        _named_by_data(load_pack(doc["rubric"]), doc), plugins=plugins, block=block, rules=rules
    ), doc


def _named_by_data(pack, doc):
    """A pack a data file chose may bring YAML, never code: its own plugin files make jixiao refuse
    (see the trust model)."""
    from .errors import Problem
    from .pack.discovery import installed

    code = [str(f) for f in pack.plugin_files if not installed(f)]
    if code:
        raise JixiaoError(
            Problem(
                errors.PLUGIN_UNTRUSTED,
                f"{doc['source']} 用 rubric: 指定的评分体系“{doc['rubric']}”带有插件代码（{'、'.join(code)}）。"
                f"jixiao 不会因为数据文件的指定而运行代码；如信任该评分体系，请用 --rubric {doc['rubric']} 明确指定",
                field="rubric",
                value=doc["rubric"],
                expected="已安装的评分体系，或用 --rubric 指定",
            )
        )
    return pack


def _problem(code: str, message: str):
    from .errors import Problem

    return Problem(code, message)


@main.command()
@click.argument("facts", type=click.Path())
@_rubric_opt
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="写入文件而不是标准输出。")
@click.option("--compare", "compare_with", help="再按另一个评分体系计分，逐项并列比较。")
@_plugin_opt
@_block_opt
@_rules_opt
def evaluate(facts, rubric, fmt, output, compare_with, plugins, block, rules):
    """为一个部门计分：FACTS 为 YAML、JSON 或 Excel 事实文件。"""
    engine, doc = _engine(rubric, plugins, block, rules, facts)
    card = engine.evaluate(facts)
    if compare_with:
        from . import render

        other, _ = _engine(compare_with, plugins, block, rules)
        if fmt not in ("table", "json"):
            raise JixiaoError(_problem(errors.OUTPUT_FORMAT, "--compare 只支持 table 或 json 格式"))
        second = other.evaluate(facts)
        emit((render.compare if fmt == "table" else render.compare_json)(card, second), fmt, output)
        _exit_for(card, second)
        return
    emit(FORMATS[fmt](card, engine), fmt, output)
    _exit_for(card)


@main.command()
@click.argument("facts", type=click.Path())
@click.option("--indicator", "-i", required=True, help="指标编码（如 2.4.2）或指标名称。")
@_rubric_opt
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_plugin_opt
@_block_opt
@_rules_opt
def explain(facts, indicator, rubric, fmt, plugins, block, rules):
    """解释一个指标的得分：公式、输入、中间值、扣分及原因。"""
    from . import render
    from .answers import leaf_named

    engine, _ = _engine(rubric, plugins, block, rules, facts)
    card = engine.evaluate(facts)
    leaf = leaf_named(card, indicator)
    if fmt == "json":
        from .answers import explain_json

        echo(explain_json(leaf), json=True)
    else:
        echo(render.explain(leaf))
    _exit_for(card)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rubrics(fmt):
    """列出已安装的评分体系。"""
    from .answers import pack_entries, rubrics_json

    entries = pack_entries()
    if fmt == "json":
        echo(rubrics_json(entries), json=True)
    for e in entries if fmt == "text" else ():
        if "error" in e:
            echo(f"{e['id']}\t（无法加载：{e['error']['message']}）\t{e['folder']}")
        else:
            echo(f"{e['id']}\t{e['version']}\t{e['region']}\t{e['year']}\t{e['title']}\t{e['folder']}")
    if any("error" in e for e in entries):
        sys.exit(exitcodes.INCOMPLETE)


@main.command()
@_rubric_opt
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_plugin_opt
@_block_opt
def plugins(rubric, fmt, plugins, block):
    """列出指标插件及其来源；替换与停用的插件一并列出。"""
    from .answers import plugin_entries, plugins_json
    from .pack import load_pack
    from .registry import Registry

    registry = Registry(block=block)
    registry.load_entry_points()
    if rubric:
        for f in load_pack(rubric).plugin_files:
            registry.load_file(f)
    for p in plugins:
        registry.load_file(p)
    registry.check_blocked()
    if fmt == "json":
        echo(plugins_json(registry), json=True)
        return
    for e in plugin_entries(registry):
        if "blocked" in e:
            echo(f"{e['name']}\t（已停用：{e['blocked']}）")
            continue
        line = f"{e['name']}\t{e['title']}\t{e['kind']}\t{e['origin']}"
        echo(line + (f"\t（替换了 {e['replaced']}）" if e["replaced"] else ""))


@main.command()
@_rubric_opt
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="填报表（.xlsx）的输出路径。")
@click.option(
    "--facts", "prefill", type=click.Path(dir_okay=False), help="用已有的事实文件（YAML/JSON/xlsx）预先填写。"
)
@_plugin_opt
@_block_opt
def template(rubric, output, prefill, plugins, block):
    """生成 Excel 事实填报表：按评分体系声明的事实逐项列出，含单位、所用指标和数据校验。"""
    from .office.template import fact_rows, template_workbook

    engine, doc = _engine(rubric, plugins, block, "python", prefill)
    if engine.pack.form is not None:  # a project form: the department fills in the form itself
        from .office.project_form import form_template

        write_output(output, form_template(engine, doc))
        echo(f"已生成{engine.pack.title}：{output}（在各二级指标下填写三级指标，可插入行）")
        return
    write_output(output, template_workbook(engine, doc))
    echo(f"已生成填报表：{output}（{engine.pack.title}，{len(fact_rows(engine))} 项事实）")


from .cli_batch import batch as _batch  # noqa: E402

main.add_command(_batch)

from .cli_audit import register as _register_audit  # noqa: E402

_register_audit(main, _rubric_opt, _plugin_opt, _block_opt, _rules_opt, _engine)

from .cli_rubric import rubric as _rubric  # noqa: E402

main.add_command(_rubric)

from .cli_serve import serve as _serve  # noqa: E402

main.add_command(_serve)

if __name__ == "__main__":
    main()
