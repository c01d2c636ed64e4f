"""What-if overrides from the command line: ``path=value`` applied to a scenario before validation.

A path is written as in error messages (``coordination.language.enabled``,
``units[3].count``); a value is a TOML value (``true``, ``4``, ``"2h"``,
``{ dist = "lognormal", median = "1h", p90 = "3h" }``), and bare text counts as a string,
so ``--set coordination.channels.default.latency=2h`` works without quotes.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Sequence
from typing import Any

from sim.scenario.errors import Problem, format_path

_PART = re.compile(r"([A-Za-z0-9_\-]+)|\[(\d+)\]")


class OverrideError(ValueError):
    """An override that cannot be applied, as a problem to report."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.describe())


def parse_override(text: str) -> tuple[list[str | int], Any]:
    """Split ``path=value`` into the path's parts and the parsed value."""
    path_text, sep, value_text = text.partition("=")
    path_text = path_text.strip()
    if not sep or not path_text:
        raise OverrideError(
            Problem(
                text,
                "an override is written path=value",
                "e.g. --set coordination.language.enabled=true",
            )
        )
    parts: list[str | int] = []
    position = 0
    for match in _PART.finditer(path_text):
        gap = path_text[position : match.start()]
        if gap not in ("", ".") or (gap == "." and position == 0):
            break
        parts.append(int(match.group(2)) if match.group(2) else match.group(1))
        position = match.end()
    if position != len(path_text) or not parts or isinstance(parts[0], int):
        raise OverrideError(
            Problem(
                path_text,
                "is not a field path",
                "write it like coordination.language.enabled or units[3].count",
            )
        )
    try:
        value = tomllib.loads(f"v = {value_text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = value_text.strip()
    return parts, value


def apply_overrides(data: dict[str, Any], overrides: Sequence[str]) -> dict[str, Any]:
    """A copy of scenario data with each ``path=value`` set (missing tables are created).

    Raises:
        OverrideError: an override is malformed or names a list item that does not exist.
    """
    data = copy.deepcopy(data)
    for text in overrides:
        parts, value = parse_override(text)
        node: Any = data
        for depth, (part, following) in enumerate(zip(parts, [*parts[1:], None], strict=True)):
            shown = format_path(parts[: depth + 1])
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    size = len(node) if isinstance(node, list) else 0
                    raise OverrideError(
                        Problem(
                            shown, f"there is no item {part} ({size} in the list)", "count from 0"
                        )
                    )
            elif not isinstance(node, dict):
                raise OverrideError(Problem(shown, "is not a table", "check the path"))
            if following is None:
                node[part] = value
            else:
                if isinstance(part, str) and part not in node:
                    node[part] = [] if isinstance(following, int) else {}
                node = node[part]
    return data
