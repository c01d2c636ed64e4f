"""Run folders are written whole or not at all."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sim.report import OutputError, OutputExistsError, write_folder


def manifest(*files: str) -> bytes:
    """A manifest as a run writes it, listing ``files``."""
    listed = dict.fromkeys(files, "0" * 64)
    return json.dumps({"borderdrill": "1.0", "scenario_sha256": "0" * 64, "files": listed}).encode()


def test_folder_appears_complete(tmp_path: Path) -> None:
    write_folder(tmp_path / "r", {"a.txt": b"a", "sub/b.txt": b"b"})
    assert (tmp_path / "r" / "sub" / "b.txt").read_bytes() == b"b"
    assert [p.name for p in tmp_path.iterdir()] == ["r"]


def test_a_failure_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = Path.write_bytes

    def failing(self: Path, data: bytes) -> int:
        if self.name == "second.txt":
            raise OSError("disk full")
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OutputError, match="disk full"):
        write_folder(tmp_path / "r", {"first.txt": b"1", "second.txt": b"2"})
    assert list(tmp_path.iterdir()) == []


def test_a_failed_replacement_keeps_the_old_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_folder(tmp_path / "r", {"old.txt": b"old", "manifest.json": manifest("old.txt")})
    original = Path.write_bytes

    def failing(self: Path, data: bytes) -> int:
        if self.name == "new2.txt":
            raise OSError("disk full")
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OutputError, match="disk full"):
        write_folder(tmp_path / "r", {"new1.txt": b"1", "new2.txt": b"2"}, force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["r"]
    assert (tmp_path / "r" / "old.txt").read_bytes() == b"old"


def test_existing_folder_needs_force(tmp_path: Path) -> None:
    write_folder(tmp_path / "r", {"a.txt": b"a", "manifest.json": manifest("a.txt")})
    with pytest.raises(OutputExistsError, match="--force"):
        write_folder(tmp_path / "r", {"b.txt": b"b"})
    write_folder(tmp_path / "r", {"b.txt": b"b"}, force=True)
    assert [p.name for p in (tmp_path / "r").iterdir()] == ["b.txt"]


def test_force_replaces_only_run_folders(tmp_path: Path) -> None:
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "thesis.docx").write_bytes(b"years of work")
    with pytest.raises(OutputExistsError, match="not a borderdrill run folder"):
        write_folder(mine, {"manifest.json": b"{}"}, force=True)
    assert (mine / "thesis.docx").read_bytes() == b"years of work"
    empty = tmp_path / "empty"
    empty.mkdir()
    write_folder(empty, {"manifest.json": b"{}"}, force=True)
    assert (empty / "manifest.json").exists()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"manifest.json": b'{"name": "my-webapp"}', "notes.txt": b"mine", "src/app.js": b"x"},
            "is not a borderdrill run folder (it has no manifest.json that borderdrill wrote)",
        ),
        ({"manifest.json": b"[1, 2]", "report.html": b"x"}, "not a borderdrill run folder"),
        ({"manifest.json": b"\xff", "report.html": b"x"}, "not a borderdrill run folder"),
        (
            {"manifest.json": manifest("report.html"), "report.html": b"x", "notes.txt": b"m"},
            "holds files a run does not write (notes.txt); --force only replaces run folders:"
            " move them out",
        ),
        (
            {"manifest.json": manifest(), "figures/map.png": b"x", "figures/mine/a.txt": b"m"},
            "holds files a run does not write (figures/mine/)",
        ),
    ],
)
def test_force_refuses_a_folder_a_run_did_not_write(
    files: dict[str, bytes], expected: str, tmp_path: Path
) -> None:
    """A manifest.json of another tool, or a file of the user's among a run's, keeps the
    folder: nothing in it is deleted."""
    folder = tmp_path / "f"
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    with pytest.raises(OutputExistsError, match="--force only replaces run folders") as caught:
        write_folder(folder, {"manifest.json": manifest()}, force=True)
    assert expected in str(caught.value)
    assert {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} == set(
        files
    )
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_unwritable_places_are_output_errors(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        write_folder(tmp_path / "file" / "sub", {"a.txt": b"a"})
    with pytest.raises(OutputExistsError, match="is a file"):
        write_folder(tmp_path / "file", {"a.txt": b"a"}, force=True)


def test_run_folder_has_the_usual_permissions(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_folder(tmp_path / "r", {"a.txt": b"a"})
    finally:
        os.umask(previous)
    assert (tmp_path / "r").stat().st_mode & 0o777 == 0o755
