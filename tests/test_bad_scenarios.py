"""The corpus of malformed scenarios: each is refused with a message that says where.

Every file in ``tests/scenarios/bad`` is a copy of ``tiny.toml`` with one mistake and two
header comments::

    # expect-path: units[0].base      (or "line N" for a TOML syntax error)
    # why: a unit based at a place that is not defined
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from sim.scenario import ScenarioError, read_scenario

SCENARIOS = Path(__file__).parent / "scenarios"
BAD = SCENARIOS / "bad"
BAD_FILES = sorted(BAD.glob("*.toml"))
_LINE = re.compile(r"^line (\d+)$")


def expectation(path: Path) -> tuple[str, str]:
    """The ``expect-path`` and ``why`` header lines of a corpus file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    expect = lines[0].removeprefix("# expect-path:").strip() if lines else ""
    why = lines[1].removeprefix("# why:").strip() if len(lines) > 1 else ""
    return expect, why


def test_corpus_is_large_enough() -> None:
    assert len(BAD_FILES) >= 24


def test_the_valid_original_loads() -> None:
    """The corpus is only meaningful if the file it was copied from is valid."""
    read_scenario(SCENARIOS / "tiny.toml")


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_corpus_file_has_headers(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# expect-path: ")
    assert lines[1].startswith("# why: ")
    expect, why = expectation(path)
    assert expect and why


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_loader_refuses_with_located_problem(path: Path) -> None:
    expect, _ = expectation(path)
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    err = info.value
    text = str(err)
    n_lines = len(path.read_text(encoding="utf-8").splitlines())

    assert path.name in text
    assert text.splitlines()[0].startswith(str(path))
    assert err.problems, "a ScenarioError must carry at least one problem"
    for problem in err.problems:
        assert problem.message.strip(), f"empty message for {problem.path!r}"
        assert problem.line is None or 1 <= problem.line <= n_lines

    if m := _LINE.match(expect):
        line = int(m.group(1))
        assert any(p.line == line for p in err.problems), text
        assert f"line {line}," in text
    else:
        # exact match, so "crossings[0].posts" is not satisfied by "crossings[0].posts[1]"
        assert expect in [p.path for p in err.problems], text
        assert f"{expect}:" in text


def _cli_text(result: object) -> str:
    """Everything the command printed, whether or not stderr was captured apart."""
    parts = [getattr(result, "output", "")]
    with contextlib.suppress(ValueError, AttributeError):  # stderr not captured apart
        parts.append(result.stderr)  # type: ignore[attr-defined]
    return "\n".join(p for p in parts if p)


def _expected_in_output(expect: str, output: str) -> bool:
    if _LINE.match(expect):
        return f"{expect}," in output or f"{expect}:" in output
    return f"{expect}:" in output


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_cli_validate_refuses(path: Path) -> None:
    cli = pytest.importorskip("sim.cli")
    from click.testing import CliRunner

    expect, _ = expectation(path)
    result = CliRunner().invoke(cli.main, ["validate", str(path)])
    output = _cli_text(result)
    assert result.exit_code == 2, output
    assert _expected_in_output(expect, output), output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_cli_run_refuses_and_writes_nothing(path: Path, tmp_path: Path) -> None:
    cli = pytest.importorskip("sim.cli")
    from click.testing import CliRunner

    expect, _ = expectation(path)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli.main, ["run", str(path), "-o", str(out)])
    output = _cli_text(result)
    assert result.exit_code == 2, output
    assert _expected_in_output(expect, output), output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not out.exists()


def test_cli_validate_accepts_the_valid_original() -> None:
    """Guards the tests above: exit code 2 must come from the scenario, not from usage."""
    cli = pytest.importorskip("sim.cli")
    from click.testing import CliRunner

    result = CliRunner().invoke(cli.main, ["validate", str(SCENARIOS / "tiny.toml")])
    assert result.exit_code == 0, _cli_text(result)
