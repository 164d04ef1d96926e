"""A GPT's knowledge as the app uses it: add documents, keep their index current, find passages for a reply.

The index lives in the catalog and is shared by content (:mod:`app.knowledge.indexer`); this service
knows where a GPT's files are (the content store), which embedding model to use (an installed GGUF of
an embedding architecture, or none: BM25 alone), and how much of a prompt passages may take.
Indexing is slow for big files: callers run it off the GUI thread, with progress and a cancel flag.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.catalog import Catalog
from app.core.entities import GPT, GPTFile, ListingVariant, ModelFile, ModelStatus
from app.core.errors import InvalidInput, KnownError
from app.core.knowledge import (
    DocumentInput, EmbeddingChoice, IndexProgress, IndexReport, KnowledgeFileInfo, Source,
)
from app.core.paths import AppPaths, resources_dir
from app.core.settings import Settings
from app.engine.client import EngineClient
from app.engine.protocol import LoadSpec
from app.knowledge.chunking import ChunkSettings
from app.knowledge.context import fit
from app.knowledge.embedder import Embedder
from app.knowledge.extract import is_supported
from app.knowledge.indexer import Indexer
from app.knowledge.retrieval import Retriever
from app.services.gpts import GPTLibrary
from app.services.models import ModelLibrary

log = logging.getLogger(__name__)

#: GGUF architectures that are embedding models (llama.cpp names), used when no model is chosen.
EMBEDDING_ARCHITECTURES = frozenset({
    "bert", "nomic-bert", "nomic-bert-moe", "jina-bert-v2", "jina-bert-v3", "gemma-embedding", "t5encoder",
    "modern-bert", "neo-bert",
})
TOP_K = 6
EMBEDDING_CONTEXT = 2048
MAX_SHARE = 0.5
"""Passages take at most this share of the context, however short the conversation."""


@dataclass
class KnowledgeService:
    catalog: Catalog
    paths: AppPaths
    models: ModelLibrary
    gpts: GPTLibrary
    settings: Callable[[], Settings]
    engine_factory: Callable[[], EngineClient] = EngineClient
    chunking: ChunkSettings = field(default_factory=ChunkSettings)
    embedding_model_key: str | None = None
    """A model to embed with (sha256 or name); None: the first installed embedding model, if any."""
    install_model: Callable[..., ModelFile] | None = None
    """:meth:`Installer.install_model` (from the composition root), to install an offered embedding model."""
    _embedder: Embedder | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _retriever: Retriever | None = None

    # --- embedding model ----------------------------------------------------------------------
    def embedding_model(self) -> ModelFile | None:
        """The model passages are embedded with, or None (retrieval is then BM25 alone)."""
        if self.embedding_model_key:
            return self.catalog.get_model(self.embedding_model_key)
        offered = {c.sha256 for c in embedding_choices()}
        installed = [m for m in self.catalog.list_models() if m.status is ModelStatus.INSTALLED]
        for model in sorted(installed, key=lambda m: m.sha256 not in offered):
            if model.sha256 in offered or (model.info is not None and model.info.architecture in EMBEDDING_ARCHITECTURES):
                return model
        return None

    def install_embedding_model(self, choice: EmbeddingChoice, *, progress: Callable | None = None,
                                cancel: threading.Event | None = None) -> ModelFile:
        """Download and verify an offered embedding model (:func:`embedding_choices`); files indexed before
        get their vectors at their next indexing."""
        if self.install_model is None:
            raise InvalidInput("Installing models needs the hub; open GPT Shelf with its services.")
        return self.install_model(choice.repo, choice.revision,
                                  ListingVariant(choice.file, choice.quant, choice.size, choice.sha256),
                                  progress=progress, cancel=cancel)

    def embedder(self) -> Embedder | None:
        model = self.embedding_model()
        with self._lock:
            if model is None:
                return None
            if self._embedder is None or self._embedder.model_sha256 != model.sha256:
                if self._embedder is not None:
                    self._embedder.close()
                context = min(EMBEDDING_CONTEXT, (model.info.context_length if model.info else 0) or EMBEDDING_CONTEXT)
                spec = LoadSpec(path=str(self.models.file_of(model)), embedding=True, n_ctx=context,
                                threads=self.settings().threads, file_size=model.size)
                self._embedder = Embedder(spec, model.sha256, self.engine_factory)
            return self._embedder

    def close(self) -> None:
        with self._lock:
            if self._embedder is not None:
                self._embedder.close()
                self._embedder = None

    # --- indexing -------------------------------------------------------------------------------
    def documents(self, gpt: GPT) -> list[DocumentInput]:
        """The GPT's knowledge files as the indexer reads them (from the content store)."""
        return [DocumentInput(k.path, k.sha256, str(self.paths.blob(k.sha256))) for k in gpt.knowledge]

    def index(self, gpt: GPT | str, *, progress: Callable[[IndexProgress], None] | None = None,
              cancel: threading.Event | None = None) -> IndexReport:
        """Bring the GPT's index up to date (new and changed files indexed, removed ones dropped)."""
        gpt = self.catalog.get_gpt(gpt) if isinstance(gpt, str) else gpt
        return self._indexer().index(self.documents(gpt), progress=progress, cancel=cancel)

    def index_items(self, items: Sequence[Path | GPTFile], *, progress: Callable[[IndexProgress], None] | None = None,
                    cancel: threading.Event | None = None) -> tuple[list[DocumentInput], IndexReport]:
        """Index a draft's files: saved ones (from the store) and new ones, read where they are (the wizard).

        The index is by content, so when the GPT is saved with the new files they are already indexed.
        Returns the documents as indexed (names as the GPT will hold them) and the report.
        """
        documents = [DocumentInput(i.path, i.sha256, str(self.paths.blob(i.sha256))) if isinstance(i, GPTFile)
                     else DocumentInput(f"knowledge/{i.name}", _sha256(i), str(i))
                     for i in items if isinstance(i, GPTFile) or Path(i).is_file()]
        return documents, self._indexer().index(documents, progress=progress, cancel=cancel, drop_unreferenced=False)

    def add(self, gpt_key: str, paths: Sequence[Path], *, progress: Callable[[IndexProgress], None] | None = None,
            cancel: threading.Event | None = None) -> tuple[GPT, IndexReport]:
        """Add files (folders: their supported files) to a GPT's knowledge as a new version, and index them."""
        gpt = self.catalog.get_gpt(gpt_key)
        files = expand(paths)
        if not files:
            raise InvalidInput("No supported documents were found in " + ", ".join(str(p) for p in paths) + ".")
        names = {k.path for k in gpt.knowledge}
        clashes = [f.name for f in files if f"knowledge/{f.name}" in names]
        kept = [k for k in gpt.knowledge if k.path not in {f"knowledge/{f.name}" for f in files}]
        note = f"Knowledge: {'updated' if clashes else 'added'} {', '.join(f.name for f in files[:3])}" + (
            f" and {len(files) - 3} more" if len(files) > 3 else "")
        saved = self.gpts.edit(gpt.id, knowledge=[*kept, *files], changelog=note)
        return saved, self.index(saved, progress=progress, cancel=cancel)

    def files(self, gpt_key: str) -> list[KnowledgeFileInfo]:
        gpt = self.catalog.get_gpt(gpt_key)
        states = self.catalog.knowledge_documents(k.sha256 for k in gpt.knowledge)
        infos = []
        for k in gpt.knowledge:
            state = states.get(k.sha256)
            infos.append(KnowledgeFileInfo(
                name=k.path, sha256=k.sha256, size=k.size,
                status=state.status.value if state is not None else "not indexed",
                chunk_count=state.chunk_count if state is not None else 0, error=state.error if state else ""))
        return infos

    # --- retrieval ------------------------------------------------------------------------------
    def query(self, gpt: GPT | str, question: str, *, limit: int = TOP_K) -> list[Source]:
        """The passages of the GPT's knowledge that best answer ``question`` (what a reply would be given)."""
        gpt = self.catalog.get_gpt(gpt) if isinstance(gpt, str) else gpt
        return self.query_documents({k.sha256: k.path for k in gpt.knowledge}, question, limit=limit)

    def query_documents(self, documents: dict[str, str], question: str, *, limit: int = TOP_K) -> list[Source]:
        """Like :meth:`query`, over any indexed documents (``{sha256: name}``), e.g. a wizard draft's."""
        return self._retriever_now().retrieve(question, documents, limit=limit)

    def context(self, gpt: GPT, question: str, budget: int) -> tuple[list[Source], list[str]]:
        """The passages to put in a prompt for ``question`` within ``budget`` estimated tokens, and notices.

        Files not indexed yet (a GPT just installed or rolled back) are indexed first. Never raises for
        the knowledge's sake: a reply without passages is better than no reply.
        """
        if not gpt.knowledge or budget <= 0:
            return [], []
        notices: list[str] = []
        try:
            states = self.catalog.knowledge_documents(k.sha256 for k in gpt.knowledge)
            if any(k.sha256 not in states for k in gpt.knowledge):
                report = self._indexer().index(self.documents(gpt), drop_unreferenced=False)
                if report.indexed:
                    notices.append(f"Indexed {len(report.indexed)} knowledge files before answering.")
                notices.extend(f"{name} could not be read: {reason}." for name, reason in report.failed)
            return fit(self.query(gpt, question, limit=TOP_K), budget), notices
        except KnownError as exc:
            log.warning("knowledge left out of a reply of %s: %s", gpt.id, exc)
            return [], [f"The knowledge files were not searched: {exc}"]

    def _indexer(self) -> Indexer:
        return Indexer(self.catalog, self.chunking, self.embedder())

    def _retriever_now(self) -> Retriever:
        embedder = self.embedder()
        with self._lock:
            if self._retriever is None or self._retriever.embedder is not embedder:
                self._retriever = Retriever(self.catalog, embedder)
            return self._retriever


def embedding_choices(path: Path | None = None) -> list[EmbeddingChoice]:
    """The small embedding models the app offers (``resources/catalog/embedding_models.json``)."""
    file = path or resources_dir() / "catalog" / "embedding_models.json"
    try:
        entries = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("no embedding models offered: %s cannot be read (%s)", file, exc)
        return []
    return [EmbeddingChoice(name=e["name"], repo=e["repo"], revision=e["revision"], file=e["file"], quant=e["quant"],
                            size=int(e["size"]), sha256=e["sha256"], languages=tuple(e.get("languages", ())),
                            license=e.get("license", "")) for e in entries]


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the supported documents inside folders (recursively, hidden ones left out), sorted."""
    found: list[Path] = []
    for path in paths:
        path = Path(path).expanduser()
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and is_supported(p)
                                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        elif path.is_file():
            found.append(path)
        else:
            raise InvalidInput(f"{path} does not exist.")
    return list(dict.fromkeys(found))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as reader:
        while block := reader.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()
