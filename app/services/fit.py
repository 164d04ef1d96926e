"""Will it run here? The memory a listing's variant needs, against this machine's free RAM and GPU memory.

Answered before any download, per variant, with the numbers behind the verdict.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from app.core.entities import EngineInfo, Fit, FitReport, Listing, ListingVariant
from app.core.errors import KnownError
from app.core.memory import human, kv_cache_bytes, overhead_bytes, verdict

log = logging.getLogger(__name__)


@dataclass
class FitChecker:
    engine_info: Callable[[], EngineInfo]
    free_ram: Callable[[], int] = field(default=lambda: _free_ram())
    _gpu_free: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def gpu_free(self) -> int:
        """Free memory of the GPUs llama.cpp can offload to (asked once: it starts an engine process)."""
        with self._lock:
            if self._gpu_free is None:
                try:
                    info = self.engine_info()
                    self._gpu_free = sum(d.memory_free for d in info.devices if d.kind in ("gpu", "igpu")) \
                        if info.gpu_offload else 0
                except KnownError:
                    log.warning("could not ask the engine for its devices; assuming no GPU", exc_info=True)
                    self._gpu_free = 0
            return self._gpu_free

    def available(self) -> int:
        return self.free_ram() + self.gpu_free()

    def check(self, listing: Listing, variant: ListingVariant | None = None,
              context_length: int | None = None) -> FitReport:
        variant = variant or listing.variant()
        context = context_length or int((listing.manifest or {}).get("parameters", {}).get("context_length", 4096))
        weights = variant.size
        kv = kv_cache_bytes(listing.shape, context, weights)
        extra = overhead_bytes(weights)
        needed = weights + kv + extra
        ram, gpu = self.free_ram(), self.gpu_free()
        result = verdict(needed, ram + gpu)
        where = f"{human(ram)} free RAM" + (f" + {human(gpu)} free GPU memory" if gpu else "")
        sentence = {
            Fit.FITS: f"Fits: needs about {human(needed)} of {where}.",
            Fit.TIGHT: f"Tight: needs about {human(needed)} of {where}; close other programs or use a "
                       "smaller variant or context.",
            Fit.WONT_FIT: f"Won't fit: needs about {human(needed)} but only {where}. Pick a smaller variant "
                          "or a shorter context.",
        }[result]
        return FitReport(verdict=result, needed_bytes=needed, weights_bytes=weights, kv_cache_bytes=kv,
                         overhead_bytes=extra, free_ram_bytes=ram, free_gpu_bytes=gpu, context_length=context,
                         explanation=sentence)


def _free_ram() -> int:
    import psutil  # noqa: PLC0415 - when memory is first asked about (a worker thread), not at start

    return int(psutil.virtual_memory().available)
