"""Tools for the people who write rubric packs: ``check``, ``show`` and ``diff``.

Loading a pack (``jixiao.pack``) refuses a malformed one at the first stage that fails;
an author wants every mistake at once, each with the line to fix, a readable view of
what a pack scores, and what changed between two packs. These tools sit on top of the
loader and the binding and never change how a pack scores.

This module holds what the three share: the chain of pack files a pack is made of (the
pack and the packs it ``extend``s, each with its YAML lines), and the walking of their
indicator nodes. Where a problem is, tools read from the problem's data (``file``,
``line``, ``node``), never from its message.
"""

from __future__ import annotations

from ..pack.chain import PackFile as PackFile
from ..pack.chain import chain_nodes as chain_nodes
from ..pack.chain import key_path as key_path
from ..pack.chain import node_at as node_at
from ..pack.chain import read_chain as read_chain
from ..pack.chain import walk_nodes as walk_nodes
