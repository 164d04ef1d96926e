"""Store data for tests: listing lines, index shards and published GPTs on a FakeHub."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from app.hub.sync import INDEX_FILE, INDEX_SCHEMA, gzip_lines
from tests.support.fake_hub import FakeHub

INDEX_REPO = "gptshelf/store-index"


def listing_line(n: int, *, name: str | None = None, model_repo: str = "org/model-GGUF",
                 model_revision: str = "b" * 40, file: str = "model.Q4_K_M.gguf", size: int = 500_000_000,
                 sha256: str | None = "auto", manifest_file: str | None = None, repo: str | None = None,
                 revision: str = "a" * 40, **extra: Any) -> dict[str, Any]:
    line = {
        "id": f"org/gpt-{n}", "repo": repo or f"org/gpt-{n}", "revision": revision,
        "name": name or f"Helper {n}", "description": f"Helps with task {n}. 帮助完成任务{n}。",
        "author": "org", "category": ("writing", "coding", "learning")[n % 3], "tags": ["test", f"t{n % 4}"],
        "license": "mit", "version": "1.0.0", "language": "en",
        "model": {"repo": model_repo, "revision": model_revision, "default_variant": "Q4_K_M",
                  "variants": [{"file": file, "quant": "Q4_K_M", "size": size,
                                "sha256": f"{n:064x}" if sha256 == "auto" else sha256}]},
        "instructions": "Be helpful.", "conversation_starters": ["Hi"],
        "parameters": {"temperature": 0.0, "max_tokens": 24, "context_length": 1024},
        "shape": {"block_count": 2, "head_count_kv": 2, "embedding_length": 64, "head_count": 4,
                  "context_length": 4096},
        "likes": n, "downloads": 10 * n, "rating": {"avg": 4.0, "count": 2}, "updated_at": "2026-11-01T00:00:00Z",
    }
    if manifest_file:
        line["manifest_file"] = manifest_file
    line.update(extra)
    return line


def publish_index(hub: FakeHub, shards: dict[str, list[dict[str, Any]]], *, repo: str = INDEX_REPO) -> str:
    """Write index.json and its gzip shards as one commit of the index dataset repo."""
    files: dict[str, bytes] = {}
    entries = []
    for path, lines in shards.items():
        data = gzip_lines(lines)
        files[path] = data
        entries.append({"path": path, "sha256": hashlib.sha256(data).hexdigest(), "count": len(lines)})
    files[INDEX_FILE] = json.dumps({"schema": INDEX_SCHEMA, "shards": entries}).encode()
    return hub.add_repo(repo, files, repo_type="dataset")


def publish_tiny_gpt(hub: FakeHub, model: Path, *, gpt_id: str = "alice/tiny-helper", version: str = "1.0.0",
                     model_repo: str = "alice/tiny-GGUF", lfs_sha: bool = True) -> dict[str, Any]:
    """A tiny GGUF in a model repo and a GPT repo with its gpt.json; returns the GPT's listing line."""
    data = model.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    model_revision = hub.add_repo(model_repo, {"tiny.Q4_K_M.gguf": data})
    manifest = {
        "schema": "gptshelf/gpt@1", "id": gpt_id, "version": version, "name": "Tiny Helper",
        "description": "A tiny test GPT.", "instructions": "Answer briefly.",
        "conversation_starters": ["Say hello"],
        "model": {"repo": model_repo, "revision": model_revision, "default_variant": "Q4_K_M",
                  "variants": [{"file": "tiny.Q4_K_M.gguf", "quant": "Q4_K_M", "size": len(data), "sha256": sha256}]},
        "parameters": {"temperature": 0.0, "max_tokens": 16, "context_length": 1024},
    }
    revision = hub.add_repo(gpt_id, {"gpt.json": json.dumps(manifest).encode(),
                                     "README.md": b"---\ntags: [gptshelf]\n---\n# Tiny Helper\n"})
    line = listing_line(0, name="Tiny Helper", model_repo=model_repo, model_revision=model_revision,
                        file="tiny.Q4_K_M.gguf", size=len(data), sha256=sha256 if lfs_sha else None,
                        manifest_file="gpt.json", repo=gpt_id, revision=revision)
    line["id"] = gpt_id
    return line
