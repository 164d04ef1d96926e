"""The compute devices ggml sees (CPU, CUDA, Metal, Vulkan...), with their memory.

llama-cpp-python does not bind ggml's device registry, so this reads it through ctypes from the
libraries it ships. Runs only in the engine child (it loads llama.cpp's libraries).
"""

from __future__ import annotations

import ctypes
import logging
from pathlib import Path

from app.core.entities import Device

log = logging.getLogger(__name__)

_KINDS = {0: "cpu", 1: "gpu", 2: "igpu", 3: "accel"}


def list_devices(library_folder: Path) -> tuple[Device, ...]:
    """Every device ggml registered; empty (and logged) if the libraries do not expose the registry."""
    try:
        base = _load(library_folder, "ggml-base")
        ggml = _load(library_folder, "ggml")
        ggml.ggml_backend_dev_count.restype = ctypes.c_size_t
        ggml.ggml_backend_dev_get.restype = ctypes.c_void_p
        ggml.ggml_backend_dev_get.argtypes = [ctypes.c_size_t]
        for name in ("ggml_backend_dev_name", "ggml_backend_dev_description"):
            getattr(base, name).restype = ctypes.c_char_p
            getattr(base, name).argtypes = [ctypes.c_void_p]
        base.ggml_backend_dev_type.restype = ctypes.c_int
        base.ggml_backend_dev_type.argtypes = [ctypes.c_void_p]
        base.ggml_backend_dev_memory.restype = None
        base.ggml_backend_dev_memory.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t),
                                                 ctypes.POINTER(ctypes.c_size_t)]
    except (OSError, AttributeError):
        log.warning("ggml's device registry is not available; device list left empty", exc_info=True)
        return ()
    devices = []
    for index in range(ggml.ggml_backend_dev_count()):
        handle = ggml.ggml_backend_dev_get(index)
        free, total = ctypes.c_size_t(0), ctypes.c_size_t(0)
        base.ggml_backend_dev_memory(handle, ctypes.byref(free), ctypes.byref(total))
        devices.append(Device(
            name=(base.ggml_backend_dev_name(handle) or b"").decode("utf-8", "replace"),
            description=(base.ggml_backend_dev_description(handle) or b"").decode("utf-8", "replace"),
            kind=_KINDS.get(base.ggml_backend_dev_type(handle), "other"),
            memory_total=total.value,
            memory_free=free.value,
        ))
    return tuple(devices)


def cpu_weight_buffers(library_folder: Path) -> tuple[str, ...]:
    """The extra buffer types the CPU backend offers for weights (``AMX``, ``CPU_REPACK``...), best first."""
    try:
        base = _load(library_folder, "ggml-base")
        ggml = _load(library_folder, "ggml")
        ggml.ggml_backend_dev_by_type.restype = ctypes.c_void_p
        ggml.ggml_backend_dev_by_type.argtypes = [ctypes.c_int]
        base.ggml_backend_dev_backend_reg.restype = ctypes.c_void_p
        base.ggml_backend_dev_backend_reg.argtypes = [ctypes.c_void_p]
        base.ggml_backend_reg_get_proc_address.restype = ctypes.c_void_p
        base.ggml_backend_reg_get_proc_address.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        base.ggml_backend_buft_name.restype = ctypes.c_char_p
        base.ggml_backend_buft_name.argtypes = [ctypes.c_void_p]
    except (OSError, AttributeError):
        log.warning("ggml's CPU buffer types are not available", exc_info=True)
        return ()
    cpu = ggml.ggml_backend_dev_by_type(0)  # GGML_BACKEND_DEVICE_TYPE_CPU
    address = cpu and base.ggml_backend_reg_get_proc_address(base.ggml_backend_dev_backend_reg(cpu),
                                                             b"ggml_backend_dev_get_extra_bufts")
    if not address:
        return ()
    extra = ctypes.CFUNCTYPE(ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p)(address)(cpu)
    names = []
    for index in range(16):
        if not extra or not extra[index]:
            break
        names.append((base.ggml_backend_buft_name(extra[index]) or b"").decode("utf-8", "replace"))
    return tuple(names)


def _load(folder: Path, stem: str) -> ctypes.CDLL:
    for name in (f"lib{stem}.so", f"lib{stem}.dylib", f"{stem}.dll"):
        if (folder / name).exists():
            return ctypes.CDLL(str(folder / name))
    raise OSError(f"{stem} library not found in {folder}")


def auto_gpu_layers(devices: tuple[Device, ...], *, file_size: int, block_count: int, reserve: float = 0.8) -> int:
    """How many layers fit in free GPU memory, keeping a fifth back for the KV cache and scratch buffers."""
    free = sum(d.memory_free for d in devices if d.kind in ("gpu", "igpu"))
    if free <= 0 or file_size <= 0 or block_count <= 0:
        return 0
    per_layer = file_size / (block_count + 1)
    layers = int(free * reserve / per_layer)
    return -1 if layers > block_count else max(layers, 0)
