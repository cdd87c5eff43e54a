"""Starting and stopping the adapters that a config enables, in one event loop."""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import os
import signal
import sys
import tempfile
import threading

import aiohttp

from adapters.app.bootstrap import App, build
from adapters.app.config import Config, StartupError
from adapters.clock import DispatchClock
from adapters.console.adapter import PLATFORM as CONSOLE
from adapters.console.adapter import ConsoleAdapter, stdin_lines
from adapters.health import HealthServer
from adapters.metrics import PrometheusObserver
from bot.observe import outbox_backlog

log = logging.getLogger("copbot")

# Docker and Kubernetes kill 10 s after SIGTERM by default: what is still running then is cut short here,
# on our terms (its outbox rows stay leased and are sent again after the lease; nothing is lost).
STOP_DEADLINE = 9.0


async def serve_console(config: Config, speaker: str = "you") -> int:
    app = await build(config)
    console = ConsoleAdapter(app.core, app.dispatcher.run_due, zone=config.defaults.zone, speaker=speaker,
                             files_dir=os.path.join(tempfile.gettempdir(), "copbot-files"))
    app.outbound.add(CONSOLE, console)
    clock = DispatchClock(app.dispatcher, app.pruner)
    app.core.on_commit(clock.wake)
    clock.start()
    try:
        console.out("copbot console: type /help, or :as NAME to speak as someone. Ctrl-D quits.") \
            if _interactive() else None
        await console.run(stdin_lines(lambda: f"{console.speaker}> "))
    finally:
        await clock.stop()
        await app.close()
    return 0


async def run(config: Config) -> int:
    chat = config.slack.enabled or config.discord.enabled
    if not (chat or config.health.enabled):
        log.info("no Slack or Discord adapter enabled: starting the console")
        return await serve_console(config)
    observer = PrometheusObserver() if config.health.enabled else None
    app = await build(config, observer=observer)
    health = health_server(app, observer) if observer else None
    clock = DispatchClock(app.dispatcher, app.pruner)
    app.core.on_commit(clock.wake)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    started = []
    on_slack_port = health is not None and config.slack.enabled and config.slack.mode == "http"
    try:
        if config.slack.enabled:
            from adapters.slack.service import start_slack

            try:
                started.append(await start_slack(app, config, routes=health.routes() if on_slack_port else ()))
            except aiohttp.ClientError as error:  # before OSError: a failed connection to Slack is one too
                raise StartupError(f"cannot reach Slack at {config.slack.api_base_url} ({error}): check the "
                                   "network, or [slack] api_base_url") from None
            except OSError as error:
                raise StartupError(_cannot_listen(error, config.slack.port)) from None
            if health is not None:
                health.watch("slack", started[-1].connected)
        if config.discord.enabled:
            from adapters.discord.service import start_discord

            started.append(await start_discord(app, config, stopping))
            if health is not None:
                health.watch("discord", started[-1].connected)
        if health is not None and not on_slack_port:
            try:
                await health.start(config.health.host, config.health.port)
            except OSError as error:
                raise StartupError(_cannot_listen(error, config.health.port, "[health] port")) from None
        if chat:
            clock.start()
        else:  # nothing could deliver the outbox: leave it to a process that runs the adapters
            log.warning("no Slack or Discord adapter enabled: serving only /healthz and /metrics")
        # Everything built so far lives as long as the process: keep it out of the garbage collector's
        # full passes, which otherwise pause the loop for tens of milliseconds under load.
        gc.freeze()
        log.info("copbot is running")
        await stopping.wait()
    finally:
        log.info("stopping: finishing the work in flight")
        watchdog = _exit_if_stuck(STOP_DEADLINE)
        if health is not None:
            health.stopping = True  # /healthz says 503 from now on: load balancers stop sending
        await clock.stop()  # waits for a dispatcher pass in flight
        for service in reversed(started):
            await service.stop()  # Slack's HTTP server lets requests in flight finish
        if health is not None:
            await health.stop()
        await app.close()
        watchdog.cancel()
        log.info("stopped")
    # A service that stopped the process on a failure (e.g. Discord's 4014 close) sets a non-zero exit_code.
    return max((getattr(service, "exit_code", 0) for service in started), default=0)


def _cannot_listen(error: OSError, port: int, setting: str = "[slack] port") -> str:
    if error.errno == errno.EADDRINUSE:
        hint = " (and update the Request URL in the Slack app)" if setting == "[slack] port" else ""
        return f"port {port} is already in use ({setting}): stop what listens there, or choose another port{hint}"
    if error.errno == errno.EACCES:
        return f"copbot may not listen on port {port} ({setting}): ports below 1024 need privileges"
    return f"cannot listen on port {port} ({setting}): {(error.strerror or str(error)).lower()}"


def health_server(app: App, observer: PrometheusObserver) -> HealthServer:
    health = HealthServer(observer, lambda: outbox_backlog(app.core.uow_factory, app.core.clock))
    health.watch("database", app.database_reachable)
    return health


def _exit_if_stuck(seconds: float) -> threading.Timer:
    """If stopping takes longer than `seconds`, end the process anyway (asyncio cannot be trusted to
    cancel a database call stuck in a driver thread)."""
    def hard_exit() -> None:
        log.error("still stopping after %.0f s: exiting with work in flight (its outbox rows are retried)",
                  seconds)
        sys.stderr.flush()
        os._exit(1)

    timer = threading.Timer(seconds, hard_exit)
    timer.daemon = True
    timer.start()
    return timer


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty()
