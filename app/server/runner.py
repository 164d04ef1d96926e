"""Running the API: headless in the foreground (``gptshelf serve``) or on a background thread (the GUI).

The listening socket is bound here, before uvicorn starts, so that a port in use is a sentence the person
can act on rather than a server thread that quietly exits, and so that port 0 (any free port) works.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
import time
from dataclasses import dataclass, field

from app.core.errors import KnownError
from app.server.backend import ApiBackend
from app.server.config import ServerConfig
from app.server.slots import ModelSlots
from app.services.container import Services

log = logging.getLogger(__name__)

START_SECONDS = 15.0


@dataclass
class ApiServer:
    services: Services
    config: ServerConfig
    slots: ModelSlots = field(init=False)
    port: int = field(init=False, default=0)
    _socket: socket.socket | None = None
    _server: object | None = None
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.slots = ModelSlots(slots_per_model=self.config.slots, idle_seconds=self.config.idle_seconds,
                                max_waiting=self.config.max_waiting, max_models=self.config.max_models)
        self.port = self.config.port

    @property
    def url(self) -> str:
        return self.config.url(self.port)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def bind(self) -> str:
        """Build the app and bind its socket (a port in use fails here, with a sentence); returns the URL."""
        if self._server is not None:
            return self.url
        import uvicorn  # noqa: PLC0415 - only when the API is turned on

        from app.server.app import create_app  # noqa: PLC0415 - FastAPI with it

        services = self.services
        backend = ApiBackend(services.chat, services.gpts, services.models, self.slots, services.settings)
        app = create_app(backend, services.api_keys, self.config, port=lambda: self.port)
        self._socket = _bind(self.config.host, self.config.port)
        self.port = self._socket.getsockname()[1]
        if not self.config.loopback_only:
            log.warning("the API listens on %s: other computers on the network can reach it (with a key)",
                        self.config.host)
        self._server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off",
                                                     timeout_graceful_shutdown=3, server_header=False))
        self.slots.start()
        return self.url

    def start(self) -> str:
        """Serve on a background thread; returns the base URL once it listens."""
        if self.running:
            return self.url
        self.bind()
        self._thread = threading.Thread(target=self._run, args=(self._server,), name="api-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_SECONDS
        while not getattr(self._server, "started", False) and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not getattr(self._server, "started", False):
            self.stop()
            raise KnownError("The API server did not start; see GPT Shelf's log for why.")
        log.info("API serving at %s", self.url)
        return self.url

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (Ctrl-C), then stop the model processes."""
        self.bind()
        try:
            self._run(self._server)
        finally:
            self.stop()

    def _run(self, server: object) -> None:
        assert self._socket is not None
        server.run(sockets=[self._socket])  # type: ignore[attr-defined]

    def stop(self) -> None:
        """Stop serving: open streams are cancelled, model processes closed."""
        self.slots.cancel_all()
        if self._server is not None:
            self._server.should_exit = True  # type: ignore[attr-defined]
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(10)
        self._thread, self._server = None, None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self.slots.close()


def _bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise KnownError(f"The API cannot listen on {host!r}: that address is not known here ({exc}).") from exc
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise KnownError(f"Port {port} is already in use on {host}; choose another port for the API "
                             "(Settings, or --port).") from exc
        raise KnownError(f"The API cannot listen on {host}:{port} ({exc.strerror or exc}).") from exc
    sock.set_inheritable(True)
    return sock
