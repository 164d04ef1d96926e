"""huggingface_hub's and httpx's exceptions, turned into sentences a person can act on."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from app.core.errors import KnownError


class HubError(KnownError):
    """The hub could not be reached or refused a request."""


class HubOffline(HubError):
    pass


class HubNotFound(HubError):
    pass


class HubUnauthorized(HubError):
    pass


@contextlib.contextmanager
def translated(what: str, endpoint: str) -> Iterator[None]:
    """Run a hub call; anything it raises about the network or the hub becomes a HubError about ``what``."""
    import httpx2  # noqa: PLC0415 - imported with the call, as app.hub.client does
    from huggingface_hub import errors as hf_errors  # noqa: PLC0415

    try:
        yield
    except hf_errors.GatedRepoError as exc:
        raise HubUnauthorized(f"{what}: the repository is gated; accept its terms on the hub and set your "
                              "token with `gptshelf hub login`.") from exc
    except hf_errors.RepositoryNotFoundError as exc:
        raise HubNotFound(f"{what}: the repository does not exist on {endpoint} (or is private).") from exc
    except hf_errors.RevisionNotFoundError as exc:
        raise HubNotFound(f"{what}: that revision does not exist on {endpoint}.") from exc
    except hf_errors.EntryNotFoundError as exc:
        raise HubNotFound(f"{what}: the file does not exist at that revision.") from exc
    except hf_errors.HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (401, 403):
            raise HubUnauthorized(f"{what}: the hub refused the request (HTTP {status}); check your token.") from exc
        raise HubError(f"{what}: the hub answered HTTP {status or '?'}; try again later.") from exc
    except (httpx2.TransportError, hf_errors.OfflineModeIsEnabled, ConnectionError, TimeoutError) as exc:
        raise HubOffline(f"{what}: {endpoint} cannot be reached ({type(exc).__name__}). You may be offline, "
                         "or the endpoint or proxy in Settings may be wrong.") from exc
