"""A run killed (kill -9) while writing its folder leaves a hidden staging folder; the next
run into the same folder removes it, and touches no other hidden file."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner
from support import SCENARIOS

from sim.cli import main

KILLED_WHILE_WRITING = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from sim.report import write_folder

    original = Path.write_bytes

    def write_then_die(self, data):
        original(self, data)
        os.kill(os.getpid(), signal.SIGKILL)

    Path.write_bytes = write_then_die
    write_folder(Path(sys.argv[1]), {"manifest.json": b"{}", "report.html": b"<p>"})
    """
)


def killed_while_writing(folder: Path) -> None:
    done = subprocess.run([sys.executable, "-c", KILLED_WHILE_WRITING, str(folder)], check=False)
    assert done.returncode == -signal.SIGKILL


def test_the_next_run_removes_what_a_killed_run_left(tmp_path: Path) -> None:
    out = tmp_path / "out"
    killed_while_writing(out)
    (left,) = tmp_path.iterdir()
    assert left.name.startswith(".out.") and (left / "manifest.json").exists()
    (tmp_path / ".out.keep").mkdir()  # not a staging folder's name: someone else's
    (tmp_path / ".other.abcd1234").mkdir()
    args = ["run", str(SCENARIOS / "tiny.toml"), "-n", "1", "-o", str(out), "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.abcd1234", ".out.keep", "out"]
    assert (out / "report.html").stat().st_size > 1000
