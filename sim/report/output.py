"""Writing a run folder whole or not at all."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any

MARKER = "manifest.json"
"""The file that makes a folder a run folder, which --force may replace."""
WRITTEN = frozenset(
    {
        MARKER,
        "report.html",
        "summary.json",
        "kpis.csv",
        "incidents.csv",
        "events.csv",
        "scenario.resolved.json",
        "assessment.json",
        "aar.docx",
        "msel.xlsx",
    }
)
"""The files a run or an experiment writes, besides its figures (figures/NAME.png)."""
MAX_MANIFEST_BYTES = 2**20
"""A manifest is a few kB; a larger manifest.json is not one."""
SHOWN = 5
"""Files a refusal names at most."""


class OutputError(Exception):
    """The run folder cannot be written where asked; nothing was written."""


class OutputExistsError(OutputError):
    """The run folder exists and replacing it was not asked for, or is not allowed."""

    def __init__(self, folder: Path, message: str = "") -> None:
        self.folder = folder
        super().__init__(
            message
            or f"{folder} already exists; pass --force to replace it, or -o to choose another"
        )


def write_folder(folder: Path, files: dict[str, bytes], *, force: bool = False) -> None:
    """Write ``files`` (relative path -> content) as ``folder``, atomically.

    Everything is written into a hidden sibling folder first and renamed into place, so a
    reader sees the old folder or the complete new one, never a part.

    Raises:
        OutputExistsError: ``folder`` exists and ``force`` is false, or it is not a run folder.
        OutputError: the folder cannot be created there.
    """
    folder = Path(folder).resolve()
    check_replaceable(folder, force=force)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    except OSError as exc:
        raise OutputError(f"cannot write a run folder at {folder}: {exc.strerror or exc}") from None
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    try:
        for name, content in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        if folder.exists():
            retired = folder.with_name(f".{folder.name}.old-{os.getpid()}")
            folder.rename(retired)
            staging.rename(folder)
            shutil.rmtree(retired)
        else:
            staging.rename(folder)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write the run folder {folder}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def check_replaceable(folder: Path, *, force: bool) -> None:
    """Refuse a folder that exists, unless forced and it is a run folder (its manifest one
    borderdrill wrote, and no file in it that a run does not write) or empty.

    Also checks that the folder can be made where it is asked for, so that a run is
    refused before it starts, not after.

    Raises:
        OutputExistsError: the folder may not be replaced.
        OutputError: the folder cannot be made there (under a file, or not writable).
    """
    if not folder.exists():
        _check_creatable(folder)
        return
    if not folder.is_dir():
        raise OutputExistsError(folder, f"{folder} is a file; choose a folder with -o")
    if not force:
        raise OutputExistsError(folder)
    if not any(folder.iterdir()):
        return
    manifest = _manifest(folder / MARKER)
    if manifest is None:
        raise OutputExistsError(
            folder,
            f"{folder} holds files but is not a borderdrill run folder (it has no {MARKER} "
            "that borderdrill wrote); --force only replaces run folders: choose another "
            "folder with -o",
        )
    listed = manifest.get("files")
    foreign = _foreign(folder, set(listed) if isinstance(listed, dict) else set())
    if foreign:
        raise OutputExistsError(
            folder,
            f"{folder} holds files a run does not write ({', '.join(foreign)}); --force only "
            "replaces run folders: move them out, or choose another folder with -o",
        )


def _manifest(path: Path) -> dict[str, Any] | None:
    """The manifest of a run folder, or None if ``path`` is not one borderdrill wrote."""
    try:
        if not stat.S_ISREG(path.stat().st_mode) or path.stat().st_size > MAX_MANIFEST_BYTES:
            return None
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    if not isinstance(data.get("borderdrill"), str) or "scenario_sha256" not in data:
        return None
    return data


def _foreign(folder: Path, listed: set[str]) -> list[str]:
    """The first few files and folders in ``folder`` that no run writes (``listed``: the
    files its manifest lists)."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.name == "figures" and _plain(path, folder=True):
            found += [
                f"figures/{p.name}{'/' if p.is_dir() else ''}"
                for p in sorted(path.iterdir())
                if not (p.suffix == ".png" and _plain(p))
            ]
        elif not (_plain(path) and (path.name in WRITTEN or path.name in listed)):
            found.append(f"{path.name}{'/' if path.is_dir() else ''}")
    return found[:SHOWN]


def _plain(path: Path, *, folder: bool = False) -> bool:
    """Whether ``path`` is a file (or with ``folder``, a folder), not a link to one."""
    return not path.is_symlink() and (path.is_dir() if folder else path.is_file())


def _check_creatable(folder: Path) -> None:
    """Refuse a folder under a file, or in a place where nothing can be written."""
    parent = folder.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(
            f"cannot write a folder at {folder}: {parent} is a file; choose another -o"
        )
    try:  # the only sure test of writing is to write (permissions, read-only disks, ...)
        Path(tempfile.mkdtemp(prefix=".borderdrill-probe-", dir=parent)).rmdir()
    except OSError as exc:
        raise OutputError(
            f"cannot write in {parent} ({exc.strerror or exc}); choose another folder with -o"
        ) from None
