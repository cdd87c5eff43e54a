"""Starting and stopping the adapters that a config enables, in one event loop."""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import signal

import aiohttp

from adapters.bootstrap import build
from adapters.clock import DispatchClock
from adapters.config import Config, StartupError
from adapters.console.adapter import PLATFORM as CONSOLE
from adapters.console.adapter import ConsoleAdapter, stdin_lines

log = logging.getLogger("copbot")


async def serve_console(config: Config, speaker: str = "you") -> int:
    app = await build(config)
    console = ConsoleAdapter(app.core, app.dispatcher.run_due, zone=config.defaults.zone, speaker=speaker)
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
    if not (config.slack.enabled or config.discord.enabled):
        log.info("no Slack or Discord adapter enabled: starting the console")
        return await serve_console(config)
    app = await build(config)
    clock = DispatchClock(app.dispatcher, app.pruner)
    app.core.on_commit(clock.wake)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    started = []
    try:
        if config.slack.enabled:
            from adapters.slack.service import start_slack

            try:
                started.append(await start_slack(app, config))
            except aiohttp.ClientError as error:  # before OSError: a failed connection to Slack is one too
                raise StartupError(f"cannot reach Slack at {config.slack.api_base_url} ({error}): check the "
                                   "network, or [slack] api_base_url") from None
            except OSError as error:
                raise StartupError(_cannot_listen(error, config.slack.port)) from None
        if config.discord.enabled:
            from adapters.discord.service import start_discord

            started.append(await start_discord(app, config, stopping))
        clock.start()
        # Everything built so far lives as long as the process: keep it out of the garbage collector's
        # full passes, which otherwise pause the loop for tens of milliseconds under load.
        gc.freeze()
        log.info("copbot is running")
        await stopping.wait()
    finally:
        await clock.stop()
        for service in reversed(started):
            await service.stop()
        await app.close()
    # A service that stopped the process on a failure (e.g. Discord's 4014 close) sets a non-zero exit_code.
    return max((getattr(service, "exit_code", 0) for service in started), default=0)


def _cannot_listen(error: OSError, port: int) -> str:
    if error.errno == errno.EADDRINUSE:
        return (f"port {port} is already in use ([slack] port): stop what listens there, or choose another "
                "port (and update the Request URL in the Slack app)")
    if error.errno == errno.EACCES:
        return f"copbot may not listen on port {port} ([slack] port): ports below 1024 need privileges; use 3000"
    return f"cannot listen on port {port} ([slack] port): {(error.strerror or str(error)).lower()}"


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty()
