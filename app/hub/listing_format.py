"""One line of a store index shard (and of the shipped starter catalog), validated.

A listing is a summary of a GPT for browsing: its base model's variants with sizes and hashes, its
instructions and starters, and the hub's popularity figures. Hub GPTs also name a ``manifest_file``
(``gpt.json``) in their repo: installing one fetches that file at the pinned revision and validates
it strictly, so the listing is never trusted for what gets run. The shipped starter catalog has no
such file; its lines carry everything, and a variant may lack its sha256 (the hub's LFS sha256 is
then fetched and checked instead).

Lines are validated leniently (unknown keys ignored, so older apps read newer indexes); a bad line
is skipped and reported, never fatal to a sync.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from app.core.entities import Listing, ListingVariant, MemoryShape
from app.manifest.fields import FileSize, GGUFPath, Quant, RepoId, Revision, SemVer, Sha256
from app.manifest.models import Example, Parameters

MAX_LINE_BYTES = 256 * 1024


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class VariantLine(_Lenient):
    file: GGUFPath
    quant: Quant
    size: FileSize
    size_exact: bool = True
    sha256: Sha256 | None = None


class ModelLine(_Lenient):
    repo: RepoId
    revision: Revision
    variants: tuple[VariantLine, ...] = Field(min_length=1, max_length=64)
    default_variant: str

    @model_validator(mode="after")
    def _default_is_a_variant(self) -> ModelLine:
        names = {v.quant for v in self.variants} | {v.file for v in self.variants}
        if self.default_variant not in names:
            raise ValueError(f"default_variant {self.default_variant!r} names no variant")
        return self


class RatingLine(_Lenient):
    avg: float = Field(0.0, ge=0, le=5)
    count: int = Field(0, ge=0)


class ShapeLine(_Lenient):
    block_count: int = Field(gt=0, le=1024)
    head_count_kv: int = Field(gt=0, le=4096)
    embedding_length: int = Field(gt=0, le=1 << 20)
    head_count: int = Field(gt=0, le=4096)
    context_length: int = Field(gt=0, le=1 << 24)


class ListingLine(_Lenient):
    id: RepoId
    repo: RepoId
    revision: Revision
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=2000)
    author: str = Field("", max_length=100)
    category: str = Field("", max_length=40)
    tags: tuple[str, ...] = Field((), max_length=20)
    license: str = Field("", max_length=100)
    version: SemVer = "1.0.0"
    language: str = Field("", max_length=16)
    model: ModelLine
    instructions: str = Field("", max_length=32 * 1024)
    conversation_starters: tuple[str, ...] = Field((), max_length=8)
    examples: tuple[Example, ...] = Field((), max_length=50)
    parameters: Parameters = Parameters()
    chat_template: str | None = Field(None, max_length=64 * 1024)
    shape: ShapeLine | None = None
    manifest_file: str | None = None
    likes: int = Field(0, ge=0)
    downloads: int = Field(0, ge=0)
    rating: RatingLine = RatingLine()
    updated_at: str = Field("", max_length=40)


@dataclass(frozen=True)
class ParsedLines:
    listings: list[Listing]
    problems: list[str]


def parse_lines(text: str, *, source: str) -> ParsedLines:
    """Every valid listing in a JSON-lines text; each bad line becomes one problem naming its number."""
    listings: list[Listing] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            listing = parse_line(raw)
        except ValueError as exc:
            problems.append(f"{source} line {number}: {exc}")
            continue
        if listing.id in seen:
            problems.append(f"{source} line {number}: listing {listing.id} appears twice; the first is kept")
            continue
        seen.add(listing.id)
        listings.append(listing)
    return ParsedLines(listings, problems)


def parse_line(raw: str) -> Listing:
    if len(raw.encode("utf-8")) > MAX_LINE_BYTES:
        raise ValueError(f"the line is longer than {MAX_LINE_BYTES // 1024} KiB")
    try:
        data: Any = json.loads(raw)
        line = ListingLine.model_validate(data)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ValueError(f"{where}: {first['msg']}") from None
    return to_listing(line)


def to_listing(line: ListingLine) -> Listing:
    shape = MemoryShape(**line.shape.model_dump()) if line.shape else None
    return Listing(
        id=line.id, repo=line.repo, revision=line.revision, name=line.name, description=line.description,
        author=line.author, category=line.category.lower(), tags=tuple(t.lower() for t in line.tags),
        license=line.license, version=line.version, model_repo=line.model.repo,
        model_revision=line.model.revision,
        variants=tuple(ListingVariant(v.file, v.quant, v.size, v.sha256) for v in line.model.variants),
        default_variant=line.model.default_variant, likes=line.likes, downloads=line.downloads,
        rating_avg=line.rating.avg, rating_count=line.rating.count, updated_at=line.updated_at, shape=shape,
        manifest=line.model_dump(mode="json"),
    )
