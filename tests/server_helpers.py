"""Start a real `translator serve` (uvicorn, 127.0.0.1, a free port) in a process of its own."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    lines: list[str] = field(default_factory=list)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)


def start_server(model, tmp_path, *args: str, env: dict | None = None) -> Server:
    """Run ``translator serve --port 0`` and return it once it printed its URL (it is then answering)."""
    environment = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSLATOR_CACHE_DIR": str(tmp_path / "server-cache")} | (env or {})
    proc = subprocess.Popen([sys.executable, "-m", "translator", "serve", "--model", str(model), "--port", "0", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=environment)
    lines: list[str] = []
    found = threading.Event()
    url: list[str] = []

    def read() -> None:
        for line in proc.stderr:
            lines.append(line)
            m = re.search(r"serving on (http://\S+/)", line)
            if m and not found.is_set():
                url.append(m.group(1))
                found.set()
        found.set()  # the process ended (an error message is in lines)

    threading.Thread(target=read, daemon=True).start()
    found.wait(timeout=120)
    if not url:
        proc.kill()
        raise AssertionError("the server did not start:\n" + "".join(lines))
    return Server(proc, url[0], lines)
