"""Shared test data for the fake hub tests."""

from __future__ import annotations

import hashlib

GGUF = b"GGUF" + bytes(range(256)) * 40          # 10,244 bytes, stored in LFS (.gguf)
GPT_JSON = b'{"name": "tiny", "version": 1}'       # small text, stored in git
CARD = "---\ntags: [gptshelf]\nlicense: mit\n---\n# Tiny\n"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
