"""The person's preferences, as one immutable value.

Settings are stored by the catalog as key/value pairs; this module turns such a mapping into a
checked :class:`Settings` and back, naming the key of any value it cannot accept.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.core.errors import InvalidInput


class GpuMode(enum.StrEnum):
    AUTO = "auto"
    OFF = "off"
    LAYERS = "layers"


@dataclass(frozen=True)
class GpuOffload:
    """How many model layers go to the GPU: as many as fit, none, or a fixed number."""

    mode: GpuMode = GpuMode.AUTO
    layers: int = 0

    @classmethod
    def parse(cls, text: str | int) -> GpuOffload:
        value = str(text).strip().lower()
        if value in ("auto", ""):
            return cls(GpuMode.AUTO)
        if value in ("off", "0", "cpu"):
            return cls(GpuMode.OFF)
        if value.isdigit():
            return cls(GpuMode.LAYERS, int(value))
        raise InvalidInput(f"GPU offload must be 'auto', 'off' or a number of layers, not {text!r}.")

    def __str__(self) -> str:
        return str(self.layers) if self.mode is GpuMode.LAYERS else self.mode.value


class Theme(enum.StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True)
class Settings:
    language: str = "system"
    theme: Theme = Theme.SYSTEM
    gpu_offload: GpuOffload = GpuOffload()
    threads: int = 0
    context_length: int = 4096
    hub_endpoint: str = "https://huggingface.co"
    https_proxy: str = ""
    store_index_repo: str = "gptshelf/store-index"
    starter_installed: bool = False
    welcome_done: bool = False
    api_enabled: bool = False
    """The local OpenAI-compatible API (docs/api.md) runs while the GUI is open; off unless turned on."""
    api_host: str = "127.0.0.1"
    """Where the API listens: loopback unless the person explicitly chooses another address."""
    api_port: int = 8421
    api_slots: int = 1
    """Replies one model generates at once for the API (each slot is a model process of its own)."""
    api_idle_seconds: int = 600
    """An API model unused this long is unloaded (0: kept until the server stops)."""
    import_offered: bool = False
    """The first-start offer of other apps' models was answered (app/ui/import_offer.py)."""

    def to_mapping(self) -> dict[str, Any]:
        return {f.name: _dump(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Settings:
        """Build settings from stored values; unknown keys are ignored so older apps read newer data."""
        known = {f.name: f for f in dataclasses.fields(cls)}
        accepted: dict[str, Any] = {}
        for key, raw in values.items():
            if key in known:
                accepted[key] = _load(key, raw, getattr(cls(), key))
        return cls(**accepted)

    def updated(self, **changes: Any) -> Settings:
        """A copy with some values changed, each checked like a stored value."""
        merged = self.to_mapping()
        unknown = sorted(set(changes) - set(merged))
        if unknown:
            raise InvalidInput(f"Unknown setting {unknown[0]!r}; known settings: {', '.join(sorted(merged))}.")
        merged.update({k: _dump(v) for k, v in changes.items()})
        return Settings.from_mapping(merged)


def _dump(value: Any) -> Any:
    if isinstance(value, GpuOffload):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _load(key: str, raw: Any, default: Any) -> Any:
    try:
        if isinstance(default, GpuOffload):
            return GpuOffload.parse(raw)
        if isinstance(default, enum.Enum):
            return type(default)(raw)
        if isinstance(default, bool):
            if isinstance(raw, str):
                if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError(raw)
                return raw.lower() in ("true", "1", "yes")
            return bool(raw)
        if isinstance(default, int):
            number = int(raw)
            if number < 0:
                raise ValueError(raw)
            return number
        return str(raw)
    except (ValueError, TypeError, InvalidInput) as exc:
        raise InvalidInput(f"Setting {key!r} cannot be {raw!r} (expected something like {_dump(default)!r}).") from exc
