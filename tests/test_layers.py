"""Imports point down the flow: the faces (the command line, the play server) sit on the
experiments, which use the reports, the analysis and the decisions; the decisions and the
model never import the experiments or the reports, and the analysis reads only the log."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import sim

PACKAGE = Path(sim.__file__).parent

FACES = ("sim.play", "sim.cli")
ABOVE = {
    "sim.decisions": (*FACES, "sim.report", "sim.experiment"),
    "sim.model": (*FACES, "sim.report", "sim.experiment", "sim.analysis"),
    "sim.experiment": FACES,
    "sim.report": (*FACES, "sim.experiment"),
    "sim.analysis": (*FACES, "sim.report", "sim.experiment", "sim.model", "sim.decisions"),
}
"""What each layer may not import, even lazily inside a function."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize("layer", sorted(ABOVE))
def test_a_layer_imports_nothing_above_it(layer: str) -> None:
    wrong = sorted(
        f"{module_name(path)} imports {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if within(module_name(path), layer)
        for name in imported(path)
        if any(within(name, above) for above in ABOVE[layer])
    )
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    source = tmp_path / "lazy.py"
    source.write_text("def f():\n    from sim.play import server\n    import sim.cli\n")
    assert {"sim.play", "sim.play.server", "sim.cli"} <= imported(source)


def test_every_module_of_the_model_and_the_decisions_imports_alone() -> None:
    """No import cycle between the model and the decisions, whichever is imported first."""
    modules = [
        module_name(path)
        for layer in ("sim.model", "sim.decisions")
        for path in sorted((PACKAGE / layer.split(".")[1]).rglob("*.py"))
    ]
    script = (
        "import importlib, sys\n"
        "for name in sys.argv[1:]:\n"
        "    for loaded in [m for m in sys.modules if m == 'sim' or m.startswith('sim.')]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module(name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *modules], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
