"""GET /healthz and GET /metrics over aiohttp: on Slack's HTTP server when Slack runs in HTTP mode (one port
behind the load balancer), on a small server of their own otherwise.

/healthz answers 200 when the process is up and not stopping, the database answers, and every chat adapter
is connected; 503 otherwise, with a JSON body naming each part and what is wrong with it."""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable

from aiohttp import web

from adapters.app.config import Config
from adapters.metrics import PrometheusObserver
from bot.observe import Backlog

log = logging.getLogger("copbot.health")

Check = Callable[[], Awaitable[bool]]  # True when fine; False or an exception when not
CHECK_TIMEOUT = 3.0  # seconds: Docker's HEALTHCHECK waits 5


class HealthServer:
    def __init__(self, observer: PrometheusObserver, read_backlog: Callable[[], Awaitable[Backlog]] | None = None,
                 timeout: float = CHECK_TIMEOUT):
        self.observer = observer
        self.read_backlog = read_backlog
        self.timeout = timeout
        self.checks: dict[str, Check] = {}
        self.stopping = False
        self._probes: dict[str, asyncio.Task] = {}
        self._runner: web.AppRunner | None = None

    def watch(self, name: str, check: Check) -> None:
        self.checks[name] = check

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/healthz", self.healthz), web.get("/metrics", self.metrics)]

    # Serving on a port of its own --------------------------------------------------------------

    async def start(self, host: str, port: int) -> int:
        """Serve on host:port (0: any free port); returns the bound port."""
        app = web.Application()
        app.add_routes(self.routes())
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound = self._runner.addresses[0][1]
        log.info("health and metrics: http://%s:%s/healthz and /metrics", host, bound)
        return bound

    async def stop(self) -> None:
        self.stopping = True
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for task in self._probes.values():
            task.cancel()

    # Handlers -------------------------------------------------------------------------------

    async def healthz(self, _request: web.Request) -> web.Response:
        results = dict(zip(self.checks, await asyncio.gather(*(self._run(n) for n in self.checks)), strict=True))
        results = {"process": "stopping" if self.stopping else "ok", **results}
        failing = [name for name, state in results.items() if state != "ok"]
        body = {"status": "failing" if failing else "ok", "failing": failing, "checks": results}
        return web.json_response(body, status=503 if failing else 200)

    async def metrics(self, _request: web.Request) -> web.Response:
        read = self.read_backlog
        try:
            text = await self.observer.render(read)
        except Exception as error:  # noqa: BLE001 - the rest of the metrics are still worth having
            log.warning("metrics: could not read the outbox backlog: %s", type(error).__name__)
            text = await self.observer.render(None)
        return web.Response(body=text, headers={"Content-Type": self.observer.content_type})

    async def _run(self, name: str) -> str:
        """One check, bounded by the timeout. A probe that overruns is not cancelled (a cancelled database
        call can leave its connection unusable) but left to finish; the next request waits on it again
        instead of piling a second probe on a stuck database."""
        task = self._probes.get(name)
        if task is None or task.done():
            task = self._probes[name] = asyncio.ensure_future(self.checks[name]())
        done, _ = await asyncio.wait({task}, timeout=self.timeout)
        if not done:
            return f"no answer within {self.timeout:g} s"
        if task.cancelled():
            return "cancelled"
        if (error := task.exception()) is not None:
            cause = getattr(error, "orig", None)  # what SQLAlchemy wrapped, and what the driver's adapter did
            cause = getattr(cause, "__cause__", None) or cause
            named = type(error).__name__ + (f" ({type(cause).__name__})" if cause is not None else "")
            return f"failing: {named}"  # never the message: it may name hosts
        return "ok" if task.result() else "failing"


def probe(config: Config, timeout: float = 5.0) -> tuple[bool, str]:
    """For `copbot healthcheck` (Docker's HEALTHCHECK): ask the running copbot's /healthz."""
    if not config.health.enabled:
        return False, "[health] enabled = false in this config: there is no /healthz to ask"
    if config.slack.enabled and config.slack.mode == "http":
        port = config.slack.port
    else:
        port = config.health.port
    host = config.health.host if config.health.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our own URL
            return True, response.read().decode()
    except urllib.error.HTTPError as error:
        return False, error.read().decode() or str(error)
    except OSError as error:
        return False, json.dumps({"status": "unreachable", "url": url, "error": type(error).__name__})
