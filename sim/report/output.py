"""Writing a run folder whole or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

MARKER = "manifest.json"
"""The file that makes a folder a run folder, which --force may replace."""


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
    """Refuse a folder that exists, unless forced and it is a run folder (or empty).

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
    if not (folder / MARKER).is_file() and any(folder.iterdir()):
        raise OutputExistsError(
            folder,
            f"{folder} holds files but is not a borderdrill run folder (it has no {MARKER}); "
            "--force only replaces run folders: choose another folder with -o",
        )


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
