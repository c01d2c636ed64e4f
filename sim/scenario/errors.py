"""The one exception family for mistakes a user can make in a scenario file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def format_path(parts: Sequence[str | int]) -> str:
    """Render a field path the way the documentation writes it: ``units[3].base``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a scenario file, located as precisely as the file allows."""

    path: str
    message: str
    hint: str = ""
    line: int | None = None
    file: str | None = None
    """The part of a composed scenario the problem is in, when not the file itself."""

    def describe(self) -> str:
        """One line: where, what, and how to fix it."""
        where = f"line {self.line}, " if self.line else ""
        if self.file:
            where = f"in {self.file}{f' line {self.line}' if self.line else ''}, "
        field = self.path or "(top level)"
        hint = f" Fix: {self.hint}" if self.hint else ""
        return f"{where}{field}: {self.message}.{hint}"


class ScenarioError(Exception):
    """A scenario file that cannot be used, with every problem found in it."""

    def __init__(self, file: Path | str, problems: list[Problem]) -> None:
        self.file = str(file)
        self.problems = problems
        super().__init__(self.describe())

    def describe(self) -> str:
        """The paragraph the CLI prints: the file, then one line a problem."""
        count = len(self.problems)
        head = f"{self.file}: {count} problem{'s' if count != 1 else ''} in the scenario"
        return "\n".join([head, *(f"  {p.describe()}" for p in self.problems)])
