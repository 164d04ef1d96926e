"""Local GGUF models: check, hash, and keep them in the content-addressed store.

A model's identity is its sha256; the store keeps one copy per content however many GPTs use it.
Nothing reaches llama.cpp before the pure-Python GGUF check has passed.

The GGUF check (gguf's constants, which import numpy) and the chat templates (jinja2) are imported by
the calls that use them, not with this module, which the GUI's start imports for the GPT list.
"""

from __future__ import annotations

import enum
import logging
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.catalog import Catalog
from app.core.entities import (
    ChatMessage, FitReport, Listing, ListingVariant, MemoryShape, ModelFile, ModelInfo, ModelStatus, Role,
)
from app.core.errors import InvalidInput, KnownError, NotFound, TemplateError
from app.core.paths import AppPaths
from app.services.fit import FitChecker
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
        from app.ggufcheck import check_gguf  # noqa: PLC0415 - see the module docstring

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

    def link_in_place(self, path: Path, *, name: str | None = None, source: str = "", known_sha256: str | None = None,
                      progress: Callable[[int], None] | None = None) -> LinkResult:
        """Register a GGUF where it lies, without copying it (another app keeps it: GPT Shelf never deletes it).

        The file is checked like any import, then hashed (``progress`` gets the bytes read) unless
        ``known_sha256`` is given: Ollama names its blobs by their sha256 and checks them when it pulls
        them, so its digest is trusted. Content already in the catalog with its file present is left as
        it is (``added`` is False), so scanning twice or finding one file in two apps links it once.
        """
        from app.ggufcheck import check_gguf  # noqa: PLC0415 - see the module docstring

        original = _existing_file(path)
        info = check_gguf(original)
        if info.vocab_only:
            raise InvalidInput(f"{original} holds only a vocabulary (no weights), so it cannot chat.")
        sha256 = known_sha256 or sha256_file(original, progress)
        try:
            existing = self.catalog.get_model(sha256)
        except NotFound:
            existing = None
        if existing is not None and (self.paths.home / existing.path).is_file():
            return LinkResult(existing, added=False)
        model = ModelFile(sha256=sha256, display_name=name or info.name or original.stem, path=str(original),
                          size=info.file_size, status=ModelStatus.INSTALLED, info=info, source=source or str(original),
                          owned=False)
        log.info("linked %s in place as %s", original, sha256[:12])
        return LinkResult(self.catalog.add_model(model), added=True)

    def remove(self, sha256: str) -> RemovedModel:
        """Forget a model and delete its file, unless the file is linked from another app's folder: that one
        is never deleted (``file_deleted`` says which happened; ``error`` why a file could not be deleted)."""
        removed = self.catalog.remove_model(sha256)
        path = self.paths.home / removed.path
        if not removed.owned:
            log.info("forgot linked model %s; its file %s stays", removed.sha256[:12], path)
            return RemovedModel(removed, path, file_deleted=False)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not delete %s", path, exc_info=True)
            return RemovedModel(removed, path, file_deleted=False, error=exc.strerror or str(exc))
        return RemovedModel(removed, path, file_deleted=True)

    def check_links(self) -> list[ModelFile]:
        """Mark linked models whose file went away as missing, and those whose file came back as installed;
        returns the models that changed."""
        changed = []
        for model in self.catalog.list_models():
            if model.owned or model.status is ModelStatus.DOWNLOADING:
                continue
            present = Path(model.path).is_file()
            status = ModelStatus.INSTALLED if present else ModelStatus.MISSING
            if status is not model.status:
                changed.append(self.catalog.set_model_status(model.sha256, status))
        return changed

    def list(self) -> list[ModelFile]:
        return self.catalog.list_models()

    def get(self, key: str) -> ModelFile:
        return self.catalog.get_model(key)

    def preview_template(self, model_key: str, override: str | None, messages: Sequence[ChatMessage], *,
                         stop: Sequence[str] = ()) -> TemplatePreview:
        """``messages`` rendered as the engine would prompt ``model_key`` (``override`` first, else the GGUF's
        template, else the fallback), with what would go wrong: a template that fails, or one after whose
        assistant turn comes nothing the reply stops at (``stop``: the GPT's own stop strings)."""
        from app.engine.templates import choose_template, render_chat  # noqa: PLC0415 - see the module docstring

        info = self.get(model_key).info
        if info is None:
            raise KnownError(f"Model {model_key!r} has no recorded GGUF details; import it again.")
        choice = choose_template(info, override or None)
        stops = tuple(dict.fromkeys((*choice.stop, *(s for s in stop if s))))
        try:
            rendered = render_chat(choice, messages, bos_token=info.bos_token or "", eos_token=info.eos_token or "")
        except TemplateError as exc:
            return TemplatePreview("", choice.name, choice.origin, choice.source, stops, (str(exc),), failed=True)
        warnings: list[str] = []
        if not stops:
            warnings.append("The template has no end-of-turn stop: replies may run on. Add the model's "
                            "end-of-turn marker to the stop strings.")
        last = max((i for i, m in enumerate(messages) if m.role is Role.ASSISTANT and m.content.strip()), default=-1)
        reply = messages[last].content.strip() if last >= 0 else ""
        at = rendered.text.rfind(reply) if reply else -1
        if reply and at < 0:
            warnings.append("The template leaves out the assistant's earlier replies, so the model will not "
                            "see what it said before.")
        elif reply and stops:
            tail = rendered.text[at + len(reply):]
            following = next((m.content.strip() for m in messages[last + 1:] if m.content.strip()), "")
            end = tail.find(following) if following else -1
            turn_end = tail[:end] if end >= 0 else tail
            if not any(s in turn_end for s in stops):
                warnings.append(f"Nothing the reply stops at follows an assistant turn (it is followed by "
                                f"{turn_end.strip()[:40]!r}), so replies may run on into the next turn. Add "
                                "the end-of-turn marker to the stop strings, or fix the template.")
        return TemplatePreview(rendered.text, choice.name, choice.origin, choice.source, stops, tuple(warnings),
                               system_folded=rendered.system_folded)

    def fit(self, checker: FitChecker, model: ModelFile, context_length: int) -> FitReport:
        """Will ``model`` run here at ``context_length``? The store's fit check, for an installed model
        (slow the first time: it may start an engine process to ask for the GPU's free memory)."""
        info = model.info
        shape = None
        if info is not None and info.block_count and info.head_count and info.embedding_length:
            shape = MemoryShape(info.block_count, info.head_count_kv or info.head_count, info.embedding_length,
                                info.head_count, info.context_length or context_length)
        variant = ListingVariant(file=Path(model.path).name, quant=(info.quantization if info else "") or "default",
                                 size=model.size, sha256=model.sha256)
        listing = Listing(id=model.sha256, repo="", revision="", name=model.display_name, description="", author="",
                          category="", tags=(), license="", version="", model_repo="", model_revision="",
                          variants=(variant,), default_variant=variant.file, shape=shape)
        return checker.check(listing, variant, context_length)

    def file_of(self, model: ModelFile) -> Path:
        """Where the model's bytes are; a missing file is marked so and reported."""
        path = self.paths.home / model.path
        if not path.is_file():
            self.catalog.set_model_status(model.sha256, ModelStatus.MISSING)
            if not model.owned:
                raise KnownError(f"The model {model.display_name!r} is linked from {path}, which is no longer "
                                 "there: the app that keeps it may have moved or deleted it. Put the file back, "
                                 "or link it again from where it is now.")
            raise KnownError(f"The file of model {model.display_name!r} is missing from {path.parent}; "
                             "import it again.")
        return path


@dataclass(frozen=True)
class LinkResult:
    model: ModelFile
    added: bool
    """False when the catalog already had this content (the model given is that one)."""


@dataclass(frozen=True)
class RemovedModel:
    model: ModelFile
    path: Path
    file_deleted: bool
    """False for a linked file (never deleted) or when deleting failed (``error`` says why)."""
    error: str = ""


@dataclass(frozen=True)
class TemplatePreview:
    """A conversation as a chat template lays it out, and what is wrong with the template."""

    text: str
    template: str
    """Which template: "gpt override", "gguf", or the fallback's name ("chatml", "gemma"...)."""
    origin: str
    """Where it came from: "gpt", "gguf" or "fallback"."""
    source: str
    """The template itself (Jinja), e.g. to start an override from."""
    stop: tuple[str, ...]
    """What ends a reply: the template's end tokens and the GPT's own stop strings."""
    warnings: tuple[str, ...] = ()
    failed: bool = False
    """The template could not be rendered (the warning says why): the GPT would not be able to chat."""
    system_folded: bool = False
    """The template has no system role; the instructions go into the first user message."""


def inspect_gguf(path: Path) -> ModelInfo:
    """Check a GGUF file without loading it (raises BadGGUF with the reason); needs no catalog."""
    from app.ggufcheck import check_gguf  # noqa: PLC0415 - see the module docstring

    return check_gguf(_existing_file(path))


def _existing_file(path: Path) -> Path:
    path = Path(path).expanduser()
    if not path.exists():
        raise InvalidInput(f"{path} does not exist.")
    if not path.is_file():
        raise InvalidInput(f"{path} is not a file.")
    return path.resolve()
