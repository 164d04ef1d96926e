"""Embeddings of passages and questions from a GGUF embedding model, run by the engine in its own child.

The embedding model gets an engine process of its own rather than a place in the chat models' pool:
the pool keeps one model loaded, and embedding a question must not unload the chat model that answers
it. Vectors come back normalised and are stored as little-endian float32 blobs (4 bytes a dimension).
One lock serialises requests, since the indexer and a chat may ask from different threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from app.engine.client import EngineClient
from app.engine.protocol import LoadSpec

BATCH = 16


def to_blob(vector: Sequence[float]) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4")


@dataclass
class Embedder:
    """Turns texts into vectors with one embedding model (``model_sha256`` names it in the index)."""

    spec: LoadSpec
    model_sha256: str
    engine_factory: Callable[[], EngineClient] = EngineClient
    batch: int = BATCH
    _engine: EngineClient | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def embed(self, texts: Sequence[str]) -> list[bytes]:
        """One float32 blob per text, in order (the model is loaded on first use: slow, off the GUI thread)."""
        blobs: list[bytes] = []
        with self._lock:
            if self._engine is None:
                self._engine = self.engine_factory()
            self._engine.load(self.spec)
            for start in range(0, len(texts), self.batch):
                embedded = self._engine.embed(list(texts[start:start + self.batch]))
                blobs.extend(to_blob(v) for v in embedded.vectors)
        return blobs

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
