"""Local GGUF models: check, hash, and keep them in the content-addressed store.

A model's identity is its sha256; the store keeps one copy per content however many GPTs use it.
Nothing reaches llama.cpp before the pure-Python GGUF check has passed.
"""

from __future__ import annotations

import enum
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.catalog import Catalog
from app.core.entities import ModelFile, ModelInfo, ModelStatus
from app.core.errors import InvalidInput, KnownError
from app.core.paths import AppPaths
from app.ggufcheck import check_gguf
from app.services.hashing import sha256_file

log = logging.getLogger(__name__)


class ImportMode(enum.StrEnum):
    COPY = "copy"
    LINK = "link"
    MOVE = "move"


@dataclass
class ModelLibrary:
    catalog: Catalog
    paths: AppPaths

    def inspect(self, path: Path) -> ModelInfo:
        return inspect_gguf(path)

    def import_gguf(self, path: Path, *, mode: ImportMode = ImportMode.COPY, name: str | None = None,
                    progress: Callable[[int], None] | None = None, known_sha256: str | None = None) -> ModelFile:
        """Check, hash and store a GGUF, then register it; importing the same content twice is a no-op.

        ``known_sha256`` skips hashing for a file whose digest was verified moments ago by its maker
        (the starter package checks its own assembly).
        """
        source = _existing_file(path)
        info = check_gguf(source)
        if info.vocab_only:
            raise InvalidInput(f"{source} holds only a vocabulary (no weights), so it cannot chat.")
        sha256 = known_sha256 or sha256_file(source, progress)
        target = self.paths.ensure().blob(sha256)
        if not target.exists():
            self._place(source, target, mode, info.file_size)
        elif mode is ImportMode.MOVE:
            source.unlink()
        model = ModelFile(
            sha256=sha256,
            display_name=name or info.name or source.stem,
            path=target.relative_to(self.paths.home).as_posix(),
            size=info.file_size,
            status=ModelStatus.INSTALLED,
            info=info,
            source=str(source) if mode is not ImportMode.MOVE else "",
        )
        log.info("imported %s as %s (%s)", source, sha256[:12], mode.value)
        return self.catalog.add_model(model)

    def _place(self, source: Path, target: Path, mode: ImportMode, size: int) -> None:
        free = shutil.disk_usage(target.parent).free
        if mode is not ImportMode.LINK and free < size * 1.05:
            raise KnownError(f"Not enough disk space in {target.parent}: the model needs {size / 2**20:.0f} MiB "
                             f"and {free / 2**20:.0f} MiB are free.")
        partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
        try:
            if mode is ImportMode.LINK:
                try:
                    os.link(source, partial)
                except OSError as exc:
                    raise KnownError(f"{source} cannot be linked into the store ({exc.strerror}); "
                                     "import it as a copy instead.") from exc
                partial.chmod(0o444)
            elif mode is ImportMode.MOVE:
                try:
                    os.replace(source, target)
                    return
                except OSError:
                    shutil.copyfile(source, partial)
            else:
                shutil.copyfile(source, partial)
            os.replace(partial, target)
            if mode is ImportMode.MOVE:
                source.unlink()
        finally:
            partial.unlink(missing_ok=True)

    def list(self) -> list[ModelFile]:
        return self.catalog.list_models()

    def get(self, key: str) -> ModelFile:
        return self.catalog.get_model(key)

    def file_of(self, model: ModelFile) -> Path:
        """Where the model's bytes are; a missing file is marked so and reported."""
        path = self.paths.home / model.path
        if not path.is_file():
            self.catalog.set_model_status(model.sha256, ModelStatus.MISSING)
            raise KnownError(f"The file of model {model.display_name!r} is missing from {path.parent}; "
                             "import it again.")
        return path


def inspect_gguf(path: Path) -> ModelInfo:
    """Check a GGUF file without loading it (raises BadGGUF with the reason); needs no catalog."""
    return check_gguf(_existing_file(path))


def _existing_file(path: Path) -> Path:
    path = Path(path).expanduser()
    if not path.exists():
        raise InvalidInput(f"{path} does not exist.")
    if not path.is_file():
        raise InvalidInput(f"{path} is not a file.")
    return path.resolve()
