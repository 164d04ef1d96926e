"""Reading a ``.gptshelf`` file or a GPT folder without trusting it.

A package comes from someone else, so its names, sizes and kinds are checked before a single byte
of it is written anywhere: a zip entry may not be absolute, walk out with ``..``, carry a drive
letter, a backslash or a NUL, be a symbolic link or a device, be encrypted, appear twice (ignoring
case, as Windows and macOS would), or claim more than 100 times its compressed size (a zip bomb).
Then, once ``gpt.json`` has been read and validated, every other entry must be a file that
``gpt.json`` names, with exactly the size it states (see docs/gpt-files.md).

A folder is read the same way except that files ``gpt.json`` does not name are simply never
opened (a clone of a hub repo holds a README and a .git folder), and no path component of a named
file may be a symbolic link, so a folder cannot point the import at a file elsewhere on the disk.
"""

from __future__ import annotations

import os
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO, Protocol

from app.core.errors import InvalidInput
from app.manifest import MAX_MANIFEST_BYTES, check_relative_path

MANIFEST = "gpt.json"
#: Where a package carries the GGUF of its base model, when it does: ``model/<variants[].file>``.
MODEL_FOLDER = "model/"
MAX_ENTRIES = 512
#: Deflate tops out near 1032:1; text rarely passes 10:1. Checked on entries bigger than the floor.
MAX_RATIO = 100
RATIO_FLOOR = 64 * 1024
_READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)


def refusal(source: Path, why: str) -> InvalidInput:
    """The one shape of every refusal: what is wrong, and that nothing was imported."""
    return InvalidInput(f"{source.name} cannot be imported: {why}. Nothing was imported.")


def fold(name: str) -> str:
    """Two names one file system would treat as the same file (case, Unicode form) fold alike."""
    return unicodedata.normalize("NFC", name).casefold()


class PackageReader(Protocol):
    source: Path

    def manifest_bytes(self) -> bytes: ...

    def check_contents(self, required: Mapping[str, int], optional: Mapping[str, int]) -> set[str]:
        """Refuse unless every ``required`` file is there with its size; the ``optional`` ones found."""

    def open(self, name: str) -> BinaryIO: ...

    def close(self) -> None: ...


def open_package(source: Path) -> PackageReader:
    if source.is_dir():
        return FolderReader(source)
    if not source.is_file():
        raise InvalidInput(f"{source} does not exist or is not a file or folder.")
    return ZipReader(source)


class ZipReader:
    """A ``.gptshelf`` file; its entry list is checked when it is opened."""

    def __init__(self, source: Path) -> None:
        self.source = source
        try:
            self._zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise refusal(source, f"it is not a .gptshelf file (not a readable zip archive: {exc})") from None
        try:
            self._files = self._checked_entries()
        except BaseException:
            self._zip.close()
            raise

    def _checked_entries(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise refusal(self.source, f"it has {len(infos)} entries; a GPT package has at most {MAX_ENTRIES}")
        files: dict[str, zipfile.ZipInfo] = {}
        self._folders: set[str] = set()
        seen: dict[str, str] = {}
        for info in infos:
            raw = info.orig_filename
            what = f"the entry {raw!r}"
            if info.flag_bits & 0x1:
                raise refusal(self.source, f"{what} is encrypted")
            if info.compress_type not in _READABLE_METHODS:
                raise refusal(self.source, f"{what} uses a compression method GPT Shelf does not read "
                                           "(only stored and deflate)")
            kind = stat.S_IFMT(info.external_attr >> 16) if info.create_system == 3 else 0
            if kind == stat.S_IFLNK:
                raise refusal(self.source, f"{what} is a symbolic link")
            is_folder = raw.endswith("/")
            mismatched = kind and (kind == stat.S_IFDIR) != is_folder
            if kind not in (0, stat.S_IFREG, stat.S_IFDIR) or mismatched:
                raise refusal(self.source, f"{what} is not a plain file or folder")
            name = raw[:-1] if is_folder else raw
            try:
                check_relative_path(name)
            except ValueError as exc:
                raise refusal(self.source, f"{what} {exc}") from None
            if is_folder and info.file_size:
                raise refusal(self.source, f"{what} is a folder with content")
            key = fold(name)
            if key in seen:
                same = "appears twice" if seen[key] == name else f"and {seen[key]!r} differ only in case"
                raise refusal(self.source, f"{what} {same}; each name may appear once")
            seen[key] = name
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise refusal(self.source, f"{what} unpacks to more than {MAX_RATIO} times its packed size "
                                           "(a zip bomb?)")
            if is_folder:
                self._folders.add(name)
            else:
                files[name] = info
        return files

    def manifest_bytes(self) -> bytes:
        info = self._files.get(MANIFEST)
        if info is None:
            raise refusal(self.source, f"it has no {MANIFEST} at its top level")
        if info.file_size > MAX_MANIFEST_BYTES:
            raise refusal(self.source, f"its {MANIFEST} is {info.file_size} bytes; at most {MAX_MANIFEST_BYTES} "
                                       "are allowed")
        try:
            with self._zip.open(info) as handle:
                return handle.read(MAX_MANIFEST_BYTES + 1)
        except _READ_ERRORS as exc:
            raise refusal(self.source, f"it is damaged ({MANIFEST} cannot be read: {exc})") from None

    def check_contents(self, required: Mapping[str, int], optional: Mapping[str, int]) -> set[str]:
        expected = {MANIFEST, *required, *optional}
        for name in sorted(self._files):
            if name not in expected:
                raise refusal(self.source, f"it holds {name!r}, which {MANIFEST} does not name")
        for folder in sorted(self._folders):
            if not any(n.startswith(folder + "/") for n in expected):
                raise refusal(self.source, f"it holds the folder {folder + '/'!r}, which {MANIFEST} does not name")
        for name, size in required.items():
            if name not in self._files:
                raise refusal(self.source, f"{MANIFEST} names {name!r} but the file does not hold it")
        present = {n for n in optional if n in self._files}
        for name in sorted({*required, *present}):
            size = {**optional, **required}[name]
            if self._files[name].file_size != size:
                raise refusal(self.source, f"{name!r} is {self._files[name].file_size} bytes but {MANIFEST} says "
                                           f"{size}")
        return present

    def open(self, name: str) -> BinaryIO:
        try:
            handle = self._zip.open(self._files[name])
        except _READ_ERRORS as exc:
            raise refusal(self.source, f"it is damaged ({name!r} cannot be read: {exc})") from None
        return _Guarded(handle, self.source, name)  # type: ignore[return-value]

    def close(self) -> None:
        self._zip.close()


class FolderReader:
    """A folder holding ``gpt.json`` and the files it names; everything else in it is left unread."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self._root = source.resolve()

    def _stat(self, name: str) -> os.stat_result | None:
        """The file's stat, refusing a symbolic link at any level; ``None`` when it is not there."""
        path = self._root
        result: os.stat_result | None = None
        for part in name.split("/"):
            path = path / part
            try:
                result = path.lstat()
            except FileNotFoundError:
                return None
            except OSError as exc:
                raise refusal(self.source, f"{name!r} cannot be read ({exc.strerror})") from None
            if stat.S_ISLNK(result.st_mode):
                raise refusal(self.source, f"{name!r} goes through a symbolic link")
        if result is None or not stat.S_ISREG(result.st_mode):
            raise refusal(self.source, f"{name!r} is not a plain file")
        return result

    def manifest_bytes(self) -> bytes:
        found = self._stat(MANIFEST)
        if found is None:
            raise refusal(self.source, f"the folder has no {MANIFEST}")
        if found.st_size > MAX_MANIFEST_BYTES:
            raise refusal(self.source, f"its {MANIFEST} is {found.st_size} bytes; at most {MAX_MANIFEST_BYTES} "
                                       "are allowed")
        with self.open(MANIFEST) as handle:
            return handle.read(MAX_MANIFEST_BYTES + 1)

    def check_contents(self, required: Mapping[str, int], optional: Mapping[str, int]) -> set[str]:
        present: set[str] = set()
        for name, size in [*required.items(), *optional.items()]:
            found = self._stat(name)
            if found is None:
                if name in required:
                    raise refusal(self.source, f"{MANIFEST} names {name!r} but the folder does not hold it")
                continue
            if found.st_size != size:
                raise refusal(self.source, f"{name!r} is {found.st_size} bytes but {MANIFEST} says {size}")
            if name in optional:
                present.add(name)
        return present

    def open(self, name: str) -> BinaryIO:
        self._stat(name)
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(self._root / name, flags)
        except OSError as exc:
            raise refusal(self.source, f"{name!r} cannot be read ({exc.strerror})") from None
        return _Guarded(os.fdopen(fd, "rb"), self.source, name)  # type: ignore[return-value]

    def close(self) -> None:
        pass


class _Guarded:
    """A file being read out of a package: damage (bad CRC, truncated data) becomes a refusal."""

    def __init__(self, handle: BinaryIO, source: Path, name: str) -> None:
        self._handle, self._source, self._name = handle, source, name

    def read(self, size: int = -1) -> bytes:
        try:
            return self._handle.read(size)
        except _READ_ERRORS as exc:
            raise refusal(self._source, f"it is damaged ({self._name!r} cannot be read: {exc})") from None

    def __enter__(self) -> _Guarded:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._handle.close()
