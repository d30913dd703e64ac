"""The exit codes of every ``jixiao`` command: one contract, stated in README and tested.

A script needs to know two things from the exit status: whether there is a result to
read, and whether that result is complete. So:

* ``OK`` (0): done, and complete — every indicator (every department) scored, no input refused.
* ``INCOMPLETE`` (1): a result was written, but not all of it could be scored: a fact
  missing, invalid, ambiguous or inconsistent, an unknown fact name, a blocked or failing
  plugin, a bad record in a batch. The output and the messages name each one.
* ``USAGE`` (2): nothing was scored, because the command could not start: an option or
  argument that is wrong, a file that is missing, unreadable or not a facts document, a
  pack with mistakes, an output path that cannot be written. ``错误 [CODE] …`` on stderr.
* ``INTERNAL`` (3): a bug in jixiao or in a plugin's loading; please report it.
* ``INTERRUPTED`` (130) / ``TERMINATED`` (143): stopped by Ctrl-C or SIGTERM.
"""

from __future__ import annotations

OK = 0
INCOMPLETE = 1
USAGE = 2
INTERNAL = 3
INTERRUPTED = 130
TERMINATED = 143
