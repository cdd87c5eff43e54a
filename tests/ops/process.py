"""`copbot run` as a child process with /healthz on a free port: started, asked, stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health_config(path: Path, port: int, database: str = "sqlite+aiosqlite:///copbot.db") -> Path:
    path.write_text(f'[database]\nurl = "{database}"\n\n[health]\nenabled = true\nhost = "127.0.0.1"\n'
                    f"port = {port}\n")
    return path


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@dataclass
class Running:
    proc: asyncio.subprocess.Process
    port: int
    stderr: list[str] = field(default_factory=list)

    async def _read(self) -> None:
        async for raw in self.proc.stderr:
            self.stderr.append(raw.decode(errors="replace").rstrip("\n"))

    async def healthz(self) -> tuple[int, dict]:
        status, body = await asyncio.to_thread(get, f"http://127.0.0.1:{self.port}/healthz")
        return status, json.loads(body)

    async def wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.returncode is not None:
                raise AssertionError("copbot exited:\n" + "\n".join(self.stderr[-30:]))
            try:
                if (await self.healthz())[0] == 200:
                    return
            except OSError:
                pass
            await asyncio.sleep(0.2)
        raise AssertionError("/healthz never answered 200:\n" + "\n".join(self.stderr[-30:]))

    async def terminate(self) -> tuple[int, float]:
        """SIGTERM; the exit code and how long it took to exit."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.proc.wait(), 20)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            raise
        await asyncio.wait_for(self._reader, 5)
        return code, time.monotonic() - started


async def start(copbot: str | Path, config: Path | None, cwd: Path, port: int, env: dict | None = None,
                argv: list[str] | None = None) -> Running:
    """`copbot run --config CONFIG`, or `argv` as given (the image's ENTRYPOINT and CMD)."""
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DATABASE_URL", "COPBOT_LOG_FORMAT", "COPBOT_CONFIG", "PYTHONPATH")}
    argv = argv or [str(copbot), "run", "--config", str(config)]
    proc = await asyncio.create_subprocess_exec(
        *argv, cwd=cwd, env={**environment, **(env or {})},
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    running = Running(proc, port)
    running._reader = asyncio.ensure_future(running._read())
    return running
