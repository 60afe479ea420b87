"""``translator serve``: a LibreTranslate-compatible HTTP server with our glossary, checks and batching.

Build the ASGI app with :func:`create_app` (from :class:`~translator.settings.PipelineSettings` and a
:class:`ServerConfig`) to embed or test it; :func:`serve` runs it on uvicorn. Nothing is imported or
loaded until it is used.
"""

from __future__ import annotations

from .config import ServerConfig, read_api_keys

__all__ = ["ServerConfig", "create_app", "read_api_keys", "serve"]


def create_app(*args, **kwargs):
    """Build the app (see :func:`translator.server.app.create_app`)."""
    from .app import create_app as build

    return build(*args, **kwargs)


def serve(settings=None, config: ServerConfig | None = None, host: str = "127.0.0.1", port: int = 5000,
          announce=print) -> None:
    """Run the server on uvicorn until SIGTERM or Ctrl-C (requests in flight are finished first).

    Args:
        settings: Pipeline settings (model, glossary, memory ...).
        config: Server limits and access rules.
        host: Address to bind (``127.0.0.1``: this machine only; ``0.0.0.0`` is an explicit choice).
        port: Port to bind (0: any free port; the URL printed says which).
        announce: Called with the start-up line (URL and signature).
    """
    import asyncio
    import contextlib
    import os
    import signal
    import socket

    import uvicorn

    memory = getattr(settings, "memory", None)
    if memory and not os.path.exists(memory):  # the server writes into its memory (/suggest, confirmations)
        from ..memory import TranslationMemory

        announce(f"creating the translation memory {memory}")
        TranslationMemory(memory).close()
    app = create_app(settings, config)
    app.state.service.pipeline.engine  # load the model now: a missing model is an error before anything listens
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    url_host = f"[{host}]" if ":" in host else host

    class Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                announce(f"translator serving on http://{url_host}:{bound}/ ({app.state.service.signature()})")

        @contextlib.contextmanager
        def capture_signals(self):
            with super().capture_signals():
                yield
                # SIGTERM is the ordinary way to stop a service: after the graceful stop, exit 0 (uvicorn
                # would raise it again and die of it); Ctrl-C still ends as an interruption
                self._captured_signals = [s for s in self._captured_signals if s != signal.SIGTERM]

    server = Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=120, lifespan="on"))
    asyncio.run(server.serve(sockets=[sock]))
