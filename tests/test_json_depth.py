"""A JSON document is refused for its nesting exactly when the walk of its values finds a value deeper than
the limit: the walk is skipped only for a text with too few brackets to nest that deep."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao import yamlio
from jixiao.limits import LIMITS

documents = st.recursive(
    st.one_of(st.integers(-5, 5), st.text('ab[]{}"', max_size=4), st.none()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text("xyz", max_size=2), inner, max_size=3)
    ),
    max_leaves=12,
)


def walk_refuses(data) -> bool:
    try:
        yamlio._check_depth(data)
    except yamlio.SyntaxProblem:
        return True
    return False


@settings(max_examples=500, deadline=None)
@given(documents, st.integers(0, 6))
def test_refused_exactly_when_the_walk_refuses(data, depth):
    text = json.dumps(data)
    saved, LIMITS.depth = LIMITS.depth, depth
    try:
        try:
            yamlio.load_text(text, ".json")
            refused = False
        except yamlio.SyntaxProblem as exc:
            assert "嵌套" in str(exc)
            refused = True
        assert refused == walk_refuses(json.loads(text))
    finally:
        LIMITS.depth = saved


def test_a_record_of_few_brackets_is_not_walked(monkeypatch):
    walked = []
    monkeypatch.setattr(yamlio, "_check_depth", walked.append)
    yamlio.load_text('{"department": {"id": "d"}, "facts": {"a": 1, "b": "[[[["}}', ".json")
    assert walked == []
    yamlio.load_text("[" * 40 + "]" * 40, ".json")
    assert len(walked) == 1
