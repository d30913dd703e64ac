"""The acceptance run, smaller: a batch SIGKILLed three times at random points and interrupted once
with Ctrl-C, then resumed, ends byte-identical to one that was never stopped, leaves no worker
behind, and a re-run with another pack without --fresh refuses.

The full-size run (50,000 departments, about a minute on two cores) is
``python bench/kill_resume.py``; docs/batch.md shows what it printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import kill_resume


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="looks for left-behind workers in /proc")
def test_killed_three_times_and_interrupted_once_then_resumed(capsys):
    assert kill_resume.main(["--n", "2500", "--seed", "3"]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert out.count("no worker left behind") == 4 and "PASS" in out
