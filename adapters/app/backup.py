"""`copbot export` and `copbot import`: open the store, hand it to storage.transfer, show progress on stderr."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TextIO

from adapters.app.config import Config, StartupError
from adapters.app.database import wait_for_database
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.transfer import Imported, TransferError, import_community
from storage.transfer_export import export_community


class TerminalProgress:
    """One counter line, redrawn in place at most ten times a second; silent unless stderr is a terminal."""

    def __init__(self, stream: TextIO = sys.stderr):
        self.stream, self.shown, self.last = stream, False, 0.0
        self.enabled = stream.isatty()

    def __call__(self, section: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and done < total):
            return
        self.last, self.shown = now, True
        self.stream.write(f"\r\033[K{section}: {done:,} of {total:,} rows")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def export(config: Config, community: str) -> int:
    if sys.stdout.isatty():
        print(f"copbot: the export is a file: redirect it, e.g. copbot export --community {community!r} > data.json",
              file=sys.stderr)
        return 2
    out = sys.stdout.buffer
    counts = _run(config, lambda engine, progress: export_community(engine, community, out.write, progress))
    out.flush()
    print(f"exported {community!r}: {_summary(counts)}", file=sys.stderr)
    return 0


def import_(config: Config, path: str, new_name: str | None, replace: bool) -> int:
    try:
        source = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        raise StartupError(f"cannot read {path}: {(error.strerror or str(error)).lower()}") from None
    try:
        result: Imported = _run(config, lambda engine, progress: import_community(
            engine, source, new_name=new_name, replace=replace, progress=progress))
    finally:
        source.close()
    print(f"imported {result.name!r}: {_summary(result.counts)}")
    if result.replaced:
        print(f"replaced (deleted first): {', '.join(map(repr, result.replaced))}")
    if result.unbound:
        print(f"not bound, already taken here: {', '.join(result.unbound)}")
    return 0


def _run(config: Config, work: Callable[..., Awaitable]):
    async def go():
        # No statement timeout: one import is a long transaction, and an export reads whole tables.
        engine = make_engine(config.database_url, statement_timeout=None)
        progress = TerminalProgress()
        try:
            await wait_for_database(engine, config.database.connect_retry_seconds)
            await upgrade(engine)
            return await work(engine, progress)
        finally:
            progress.close()
            await engine.dispose()

    try:
        return asyncio.run(go())
    except TransferError as error:
        raise StartupError(str(error)) from None


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{count:,} {section}" for section, count in counts.items() if count) or "no rows"
