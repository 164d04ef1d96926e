"""What a download needs from HTTP: the client, the resume headers, and reading the server's answer.

Resuming safely rests on three headers (RFC 9110 §13.1.5, §14.2-14.4):

* ``Range: bytes=N-`` asks for the rest of the file. A server may ignore it and send the whole file
  with ``200``; appending that body to the partial would corrupt it, so the caller restarts from zero.
* ``If-Range: <etag>`` makes the server send the whole file (``200``) instead of a range when the
  file changed since the partial was started, so old and new bytes are never mixed. Only a *strong*
  ETag may be used (a weak ``W/"..."`` one is not byte-exact).
* ``Content-Range: bytes S-E/T`` must start exactly where the partial ends; anything else restarts.

``Accept-Encoding: identity`` keeps proxies from compressing the body: ranges count bytes of what is
sent, and a compressed body's byte positions are not the file's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx2

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)
_UNSATISFIED_RANGE = re.compile(r"^\s*bytes\s+\*/(\d+)\s*$", re.IGNORECASE)
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class ContentRange:
    start: int
    end: int
    total: int | None


def request_headers(base: Mapping[str, str], offset: int, etag: str | None) -> dict[str, str]:
    """The caller's headers (auth, user agent) plus what a resumed request needs."""
    headers = {k: v for k, v in base.items() if k.lower() not in ("range", "if-range", "accept-encoding")}
    headers["Accept-Encoding"] = "identity"
    if offset > 0:
        headers["Range"] = f"bytes={offset}-"
        if etag:
            headers["If-Range"] = etag
    return headers


def parse_content_range(value: str | None) -> ContentRange | None:
    """``bytes 100-199/1000`` -> ContentRange(100, 199, 1000); None for anything malformed."""
    match = _CONTENT_RANGE.match(value or "")
    if not match:
        return None
    start, end = int(match.group(1)), int(match.group(2))
    total = None if match.group(3) == "*" else int(match.group(3))
    if end < start or (total is not None and end >= total):
        return None
    return ContentRange(start, end, total)


def unsatisfied_total(value: str | None) -> int | None:
    """The file size a ``416`` answer reports (``bytes */1000``), if any."""
    match = _UNSATISFIED_RANGE.match(value or "")
    return int(match.group(1)) if match else None


def strong_etag(response: httpx2.Response) -> str | None:
    """The response's ETag if it is strong (usable in If-Range), else None."""
    value = (response.headers.get("ETag") or "").strip()
    if not value or value.startswith("W/"):
        return None
    return value


def content_length(response: httpx2.Response) -> int | None:
    try:
        value = int(response.headers.get("Content-Length", ""))
    except ValueError:
        return None
    return value if value >= 0 else None


def encoded(response: httpx2.Response) -> bool:
    """True when the body is compressed despite ``Accept-Encoding: identity`` (its bytes are not the file's)."""
    value = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    return value not in ("", "identity")


def refusal_sentence(status: int, key: str) -> str:
    """What a person can do about a 4xx answer to a download."""
    if status in (401, 403):
        return (f"The hub refused the download of {key} (HTTP {status}): the repository may be gated or private. "
                "Accept its terms on the hub and set your token, then try again.")
    if status in (404, 410):
        return (f"{key} is no longer on the hub (HTTP {status}); sync the store to get the current listing "
                "and try again.")
    return f"The hub refused the download of {key} (HTTP {status}); try again later."


def make_client(proxy: str) -> httpx2.Client:
    """An HTTP client through ``proxy``, configured as huggingface_hub configures its own session."""
    import httpx2  # noqa: PLC0415 - imported when needed (see app.hub.client)
    from huggingface_hub.utils._http import hf_request_event_hook  # noqa: PLC0415 - only with a proxy

    return httpx2.Client(event_hooks={"request": [hf_request_event_hook]}, follow_redirects=True,
                         timeout=None, proxy=proxy)
