"""Opening the store at start-up: wait for a database that is still starting, and say in one line what is wrong
with one that will not open (never a traceback).

Containers start together, so a PostgreSQL server that refuses connections, is not resolvable yet or says it is
starting up is tried again for `[database] connect_retry_seconds`. A refused password, an unknown user or
database, or a SQLite folder that is missing or read-only will not fix itself: those stop at once."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.app.config import StartupError

log = logging.getLogger("copbot")

ATTEMPT_TIMEOUT = 10.0  # one connection attempt; a black-holed host otherwise hangs for a minute
PAUSE = 1.0  # between attempts
STILL_STARTING = "57P03"  # PostgreSQL: "the database system is starting up"
WRONG_PASSWORD, NO_SUCH_ROLE, NO_SUCH_DATABASE = "28P01", "28000", "3D000"


async def wait_for_database(engine: AsyncEngine, retry_seconds: float) -> None:
    """Return once a connection opens; raise StartupError when it cannot, retrying what may be transient."""
    if engine.url.get_backend_name() == "sqlite":
        check_sqlite_folder(engine.url)
    deadline = time.monotonic() + retry_seconds
    warned = False
    while True:
        try:
            async with asyncio.timeout(ATTEMPT_TIMEOUT):
                async with engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
            return
        except (OSError, DBAPIError) as error:
            if not _transient(error) or time.monotonic() + PAUSE > deadline:
                raise StartupError(explain(error, engine.url, retry_seconds)) from None
            if not warned:
                log.warning("%s; trying again for up to %.0f s", explain(error, engine.url), retry_seconds)
                warned = True
            await asyncio.sleep(PAUSE)


def check_sqlite_folder(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:":
        return
    folder = Path(database).parent.resolve()
    if not folder.is_dir():
        raise StartupError(f"the folder {folder} for the SQLite database {database} does not exist: create it, "
                           "or point [database] url / DATABASE_URL elsewhere")
    # SQLite writes the database, its -wal and -shm files beside it: the folder must be writable.
    if not os.access(folder, os.W_OK | os.X_OK) or (Path(database).exists() and not os.access(database, os.W_OK)):
        raise StartupError(f"copbot may not write the SQLite database {database} in {folder}: give the user "
                           "running copbot write access to that folder, or choose another path")


def _sqlstate(error: BaseException) -> str | None:
    cause = getattr(error, "orig", None)
    for candidate in (cause, getattr(cause, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if code:
            return code
    return None


def _transient(error: BaseException) -> bool:
    return isinstance(error, OSError) or _sqlstate(error) == STILL_STARTING


def explain(error: BaseException, url: URL, retry_seconds: float | None = None) -> str:
    """One line: what is wrong with the database and what to do about it."""
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    waited = f" (tried for {retry_seconds:.0f} s)" if retry_seconds else ""
    code = _sqlstate(error)
    if code == WRONG_PASSWORD:
        return f"the database refused the password for user {url.username}: fix it in DATABASE_URL or [database] url"
    if code == NO_SUCH_ROLE:
        return (f"the database at {where} refused user {url.username} ({_first_line(error)}): create the role "
                "or fix the user in DATABASE_URL")
    if code == NO_SUCH_DATABASE:
        return (f"the database {url.database} does not exist on {where}: create it (createdb {url.database}) "
                "or fix the name in DATABASE_URL")
    if code == STILL_STARTING:
        return f"the database at {where} is still starting up{waited}: try again when it is ready"
    if isinstance(error, socket.gaierror):
        return f"cannot find the database host {url.host}{waited}: check the host name in DATABASE_URL"
    if isinstance(error, TimeoutError):
        return f"cannot reach the database at {where}: no answer{waited}; check the host, port and firewall"
    if isinstance(error, OSError):
        reason = os.strerror(error.errno) if error.errno else str(error) or type(error).__name__
        return (f"cannot reach the database at {where} ({reason.lower()}){waited}: start PostgreSQL, or fix the "
                "host and port in DATABASE_URL")
    if url.get_backend_name() == "sqlite":
        return f"cannot open the SQLite database {url.database}: {_first_line(error)}"
    return f"cannot open the database at {where}: {_first_line(error)}"


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]
