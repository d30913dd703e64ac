"""Control characters in other people's text: refused in a department's id and name, made
harmless wherever jixiao writes text for a terminal or a text report.

A facts file, a CSV cell or a pack can hold control characters (Unicode category Cc:
U+0000–U+001F, U+007F–U+009F). Printed as they are, ``ESC [ 2 J`` clears the reader's
screen, ``ESC ] 0 ; …`` retitles the window, a carriage return overwrites the line before
it, and a newline in a department's name prints a line of its own, such as a made-up
总计得分. A department's id and name are one line of text, so a control character there
is refused (``FACTS_FORMAT``); everything jixiao prints or writes as text passes through
``harmless`` (tab and newline stay: reasons and messages have lines). JSON keeps every
character, escaped: ``json.dumps`` escapes U+0000–U+001F itself, ``harmless_json`` the
rest. Spreadsheets and Word documents have their own rule (``office.safe``).
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_UNSHOWN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # tab and newline are text
_SHOWN_CONTROL = re.compile(r"\r\n|" + _UNSHOWN.pattern)  # a Windows line end is a newline
_JSON_RAW = re.compile(r"[\x7f-\x9f]")  # the controls json.dumps leaves as they are


def first_control(text: str) -> re.Match[str] | None:
    """The first control character of ``text``, if any (tab and newline included)."""
    return _CONTROL.search(text)


def unshown_at(document: object) -> tuple | None:
    """The path of the first key or string in a parsed document holding a control character other
    than tab and newline (a pack's texts are printed, written to workbooks, put in data validations)."""
    stack: list[tuple[object, tuple]] = [(document, ())]
    while stack:
        node, at = stack.pop()
        if isinstance(node, str):
            if _UNSHOWN.search(node):
                return at
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and _UNSHOWN.search(key):
                    return at + (key,)
                stack.append((value, at + (key,)))
        elif isinstance(node, list):
            stack.extend((value, at + (i,)) for i, value in enumerate(node))
    return None


def _shown(match: re.Match[str]) -> str:
    return "\n" if match.group() == "\r\n" else "\ufffd"


def harmless(text: str) -> str:
    """``text`` for a terminal or a text report: each control character other than tab and newline
    becomes U+FFFD (a Windows line end, CR LF, becomes a newline)."""
    return _SHOWN_CONTROL.sub(_shown, text)


def harmless_json(text: str) -> str:
    """JSON text with every control character escaped (``\\u009b``): the same data, nothing a terminal runs."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def echo(text: str, *, err: bool = False, json: bool = False, nl: bool = True) -> None:
    """``click.echo`` of text that may quote other people's files (``json``: ``text`` is JSON)."""
    import click

    click.echo(harmless_json(text) if json else harmless(text), err=err, nl=nl)
