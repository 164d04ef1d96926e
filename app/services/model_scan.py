"""Find the GGUF models other apps already keep on this machine, and link them in place.

A scan only lists and checks: it reads each file's GGUF header (milliseconds, whatever the file's size)
and never hashes, so it is quick enough for a first start. Linking hashes the file, since a model's
identity in the catalog is its sha256; that reads the whole file, so callers run it on a worker with
``progress``. Ollama blobs are the exception: their file name is their sha256, which Ollama verified when
it pulled them, so the digest is trusted and linking one reads only its header (``verify=True`` hashes it
anyway and refuses a blob whose content does not match its name).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.catalog import Catalog
from app.core.entities import FitReport, ModelFile, ModelInfo, ModelStatus
from app.core.errors import BadGGUF, InvalidInput, KnownError
from app.services.hashing import sha256_file
from app.services.model_sources import (
    OLLAMA, PICKED, ModelFolder, default_folders, gguf_files, ollama_models, system_name,
)
from app.services.models import LinkResult, ModelLibrary

log = logging.getLogger(__name__)

_SPLIT = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)
LinkProgress = Callable[[str, int, int], None]
"""(model name, bytes hashed, bytes in all)."""


class ScanCancelled(KnownError):
    def __init__(self) -> None:
        super().__init__("The scan or link was cancelled; the models linked before it stay linked.")


@dataclass(frozen=True)
class Candidate:
    """A model file found on disk that passed the GGUF check."""

    app: str
    name: str
    path: Path
    size: int
    info: ModelInfo
    sha256: str | None = None
    """Known without hashing (an Ollama blob's name); else found when it is linked."""
    fit: FitReport | None = None
    linked: bool = False
    """The catalog already has it: this very file, or (for an Ollama blob, whose sha256 is known) its content."""

    @property
    def quant(self) -> str:
        return self.info.quantization


@dataclass(frozen=True)
class Refusal:
    """A file (or Ollama manifest) found but not offered, with why."""

    app: str
    path: Path
    reason: str


@dataclass(frozen=True)
class ScanResult:
    candidates: tuple[Candidate, ...]
    refused: tuple[Refusal, ...]
    searched: tuple[ModelFolder, ...]
    """The folders that exist and were looked through."""

    @property
    def new(self) -> tuple[Candidate, ...]:
        """The candidates not linked yet."""
        return tuple(c for c in self.candidates if not c.linked)

    def apps(self) -> list[str]:
        """The apps the new candidates come from, in the order first found."""
        return list(dict.fromkeys(c.app for c in self.new))


@dataclass(frozen=True)
class LinkOutcome:
    candidate: Candidate
    result: LinkResult | None = None
    error: str = ""


@dataclass
class ModelScanner:
    """Scans the default folders of GPT4All, LM Studio, Jan and Ollama (for ``platform``, under ``home``,
    with ``environ`` for the variables those apps read) and any folder picked, and links what it finds."""

    library: ModelLibrary
    catalog: Catalog
    home: Path
    environ: Mapping[str, str]
    platform: str
    fit: Callable[[ModelFile], FitReport] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def default_folders(self) -> list[ModelFolder]:
        return default_folders(system_name(self.platform), self.home, self.environ)

    def scan(self, folders: Sequence[Path] = (), *, defaults: bool = True, with_fit: bool = True,
             cancel: threading.Event | None = None) -> ScanResult:
        """Look through the default folders (unless ``defaults`` is False) and ``folders``; each GGUF is
        checked, none is hashed. A picked folder holding ``manifests`` and ``blobs`` is read as Ollama's."""
        wanted = self.default_folders() if defaults else []
        for folder in folders:
            folder = Path(folder).expanduser()
            if not folder.is_dir():
                raise InvalidInput(f"{folder} is not a folder.")
            is_ollama = (folder / "manifests").is_dir() and (folder / "blobs").is_dir()
            wanted.append(ModelFolder(OLLAMA if is_ollama else PICKED, folder, ollama=is_ollama))
        self.library.check_links()
        known = self.catalog.list_models()
        linked = {Path(m.path) for m in known if not m.owned}
        shas = {m.sha256 for m in known if m.status is ModelStatus.INSTALLED}
        searched: list[ModelFolder] = []
        candidates: dict[Path, Candidate] = {}
        refused: list[Refusal] = []
        for folder in wanted:
            root = Path(str(folder.path))
            try:
                if not root.is_dir():
                    continue
                searched.append(folder)
                if folder.ollama:
                    models, broken = ollama_models(root)
                    refused.extend(Refusal(folder.app, path, reason) for path, reason in broken)
                    found = [(m.blob, m.name, m.sha256) for m in models]
                else:
                    found = [(path, path.stem, None) for path in gguf_files(root, cancel)]
            except OSError as exc:  # another user's folder (Ollama's service account), a dead network drive...
                refused.append(Refusal(folder.app, root, f"the folder cannot be read ({exc.strerror or exc})"))
                continue
            for path, name, sha256 in found:
                if cancel is not None and cancel.is_set():
                    raise ScanCancelled()
                key = path.resolve()
                if key in candidates:
                    continue
                checked = self._check(folder.app, path, name, sha256, key in linked or sha256 in shas, with_fit)
                if isinstance(checked, Refusal):
                    refused.append(checked)
                else:
                    candidates[key] = checked
        log.info("scan: %d models and %d refused in %d folders", len(candidates), len(refused), len(searched))
        return ScanResult(tuple(candidates.values()), tuple(refused), tuple(searched))

    def _check(self, app: str, path: Path, name: str, sha256: str | None, linked: bool,
               with_fit: bool) -> Candidate | Refusal:
        try:
            info = self.library.inspect(path)
        except BadGGUF as exc:
            return Refusal(app, path, exc.reason)
        except KnownError as exc:
            return Refusal(app, path, str(exc))
        if info.vocab_only:
            return Refusal(app, path, "it holds only a vocabulary (no weights)")
        if info.architecture == "clip" or path.name.lower().startswith("mmproj"):
            return Refusal(app, path, "it is a vision projector (mmproj) that goes with a model, not a model to "
                                      "chat with")
        split = _SPLIT.search(path.name)
        if split:
            return Refusal(app, path, f"it is part {int(split.group(1))} of a model split into {int(split.group(2))} "
                                      "files; GPT Shelf links single-file models (llama-gguf-split --merge joins "
                                      "them)")
        candidate = Candidate(app, name, path.resolve(), info.file_size, info, sha256, linked=linked)
        if with_fit and self.fit is not None:
            probe = ModelFile(sha256=sha256 or "", display_name=name, path=str(path), size=info.file_size,
                              status=ModelStatus.INSTALLED, info=info, owned=False)
            try:
                candidate = replace(candidate, fit=self.fit(probe))
            except KnownError:
                log.warning("could not tell whether %s fits", path, exc_info=True)
        return candidate

    def link(self, candidate: Candidate, *, verify: bool = False, progress: LinkProgress | None = None,
             cancel: threading.Event | None = None) -> LinkResult:
        """Register ``candidate`` where it lies (see the module docstring on hashing)."""
        def report(done: int) -> None:
            if cancel is not None and cancel.is_set():
                raise ScanCancelled()
            if progress is not None:
                progress(candidate.name, done, candidate.size)

        known = candidate.sha256
        if known and verify:
            actual = sha256_file(candidate.path, report)
            if actual != known:
                raise KnownError(f"{candidate.path} does not hold what its name says (its sha256 is {actual[:12]}…, "
                                 f"not {known[:12]}…): the {candidate.app} download is damaged; pull it again there.")
        with self._lock:  # two links of one file at once would both hash it
            return self.library.link_in_place(candidate.path, name=candidate.name, known_sha256=known,
                                              source=f"{candidate.app.lower().replace(' ', '')}:{candidate.path}",
                                              progress=report)

    def link_path(self, path: Path, *, name: str | None = None, progress: LinkProgress | None = None,
                  cancel: threading.Event | None = None) -> LinkResult:
        """Link one GGUF file a person named (``models link PATH``)."""
        path = Path(path).expanduser()
        checked = self._check(PICKED, path, name or path.stem, None, False, with_fit=False)
        if isinstance(checked, Refusal):
            raise BadGGUF(path, checked.reason) if path.is_file() else InvalidInput(checked.reason)
        return self.link(checked, progress=progress, cancel=cancel)

    def link_all(self, candidates: Sequence[Candidate], *, progress: LinkProgress | None = None,
                 cancel: threading.Event | None = None) -> list[LinkOutcome]:
        """Link each candidate; one that fails is reported with why and the others go on."""
        outcomes = []
        for candidate in candidates:
            if cancel is not None and cancel.is_set():
                raise ScanCancelled()
            try:
                outcomes.append(LinkOutcome(candidate, self.link(candidate, progress=progress, cancel=cancel)))
            except ScanCancelled:
                raise
            except KnownError as exc:
                outcomes.append(LinkOutcome(candidate, error=str(exc)))
        return outcomes

