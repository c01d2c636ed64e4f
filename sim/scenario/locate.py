"""Finding the line of a field path (``units[3].base``) in the TOML text it came from.

tomllib keeps no positions, so this reads the text the way a person does: the n-th
``[[units]]`` header, then the ``base = ...`` line under it. Where the exact key cannot be
found (inline tables), the line of the nearest enclosing table is given; a dotted key
(``synopsis.th = ...``) is found by its first part.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*((?:[A-Za-z0-9_\-]+|\"[^\"]*\")(?:\s*\.\s*[A-Za-z0-9_\-]+)*)\s*=")
"""A key's line: ``key = ...``, or a dotted key ``key.sub = ...``."""


def locate_line(text: str, path: Sequence[str | int]) -> int | None:
    """The 1-based line where ``path`` is written in ``text``, as near as can be told."""
    lines = text.splitlines()
    headers = [
        (i, m.group(1) == "[[", m.group(2))
        for i, line in enumerate(lines)
        if (m := _HEADER.match(line))
    ]
    start, end = 0, len(lines)
    prefix = ""
    best: int | None = None
    i = 0
    while i < len(path):
        part = path[i]
        if not isinstance(part, str):
            break
        name = f"{prefix}.{part}" if prefix else part
        following_part = path[i + 1] if i + 1 < len(path) else None
        index = following_part if isinstance(following_part, int) else None
        own = [(row, arr) for row, arr, n in headers if n == name and start <= row < end]
        if own and own[0][1] and index is not None and index < len(own):
            row = own[index][0]
            i += 2
        elif own and own[0][1] and index is None:
            return own[0][0] + 1  # an array of tables named as a whole: its first header
        elif own and not own[0][1]:
            row = own[0][0]
            i += 1
        else:
            keys = [p for p in path[i:] if isinstance(p, str)]
            for n in range(len(keys), 0, -1):  # the dotted key as far as it is written
                key_row = _find_key(lines, headers, start, end, ".".join(keys[:n]))
                if key_row is not None:
                    return key_row + 1
            return best
        best = row + 1
        following = [r for r, _, n in headers if r > row and not n.startswith(name + ".")]
        start, end = row + 1, min(following, default=len(lines))
        prefix = name
    return best


def _find_key(
    lines: list[str], headers: list[tuple[int, bool, str]], start: int, end: int, key: str
) -> int | None:
    """The row of ``key = ...`` (or of the first ``key.sub = ...``) in the body of a table
    (before any sub-table)."""
    stop = min((r for r, _, _ in headers if start <= r < end), default=end)
    for row in range(start, stop):
        m = _KEY.match(lines[row])
        written = re.sub(r"\s*\.\s*", ".", m.group(1)).strip('"') if m else ""
        if written == key or written.startswith(key + "."):
            return row
    return None
