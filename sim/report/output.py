"""Writing a run folder whole or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class OutputExistsError(Exception):
    """The run folder exists and replacing it was not asked for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        super().__init__(
            f"{folder} already exists; pass --force to replace it, or -o to choose another folder"
        )


def write_folder(folder: Path, files: dict[str, bytes], *, force: bool = False) -> None:
    """Write ``files`` (relative path -> content) as ``folder``, atomically.

    Everything is written into a hidden sibling folder first and renamed into place, so a
    reader sees the old folder or the complete new one, never a part.

    Raises:
        OutputExistsError: ``folder`` exists and ``force`` is false.
    """
    folder = Path(folder)
    if folder.exists() and not force:
        raise OutputExistsError(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
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
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
