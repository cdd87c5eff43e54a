"""Sync the command tree only when its declarations changed (Discord limits command creations per day).

The hash of exactly what a sync would PUT is kept per application and scope (a guild id, or ``global``) in a
small JSON file.  Why a file and not the database: the database is the core's ledger, reached only through the
unit of work (adapters never touch storage, enforced by import-linter); this hash is a cache about Discord's side.
Losing it costs one extra, idempotent PUT, so it needs no transaction, migration or backup.  The file sits next
to an SQLite database (``copbot.db`` -> ``copbot.db.discord-commands.json``), else in ``$COPBOT_STATE_DIR``, else
``$XDG_STATE_HOME/copbot`` (``~/.local/state/copbot``)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import discord
from discord import app_commands

log = logging.getLogger("copbot.discord")

FILE_NAME = "discord-commands.json"


def state_file(database_url: str) -> Path:
    if database_url.startswith("sqlite") and ":///" in database_url:
        path = database_url.split(":///", 1)[1].split("?", 1)[0]
        if path and path != ":memory:":
            return Path(f"{path}.{FILE_NAME}")
    base = os.environ.get("COPBOT_STATE_DIR") or Path(
        os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "copbot"
    return Path(base) / FILE_NAME


def payload_hash(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None) -> str:
    payload = [command.to_dict(tree) for command in tree.get_commands(guild=guild)]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


class CommandSync:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _write(self, hashes: dict[str, str]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(hashes, indent=1, sort_keys=True), encoding="utf-8")
            tmp.replace(self.path)
        except OSError as error:
            log.warning("could not keep the command hash in %s (%s): the next start syncs again", self.path, error)

    async def sync(self, tree: app_commands.CommandTree, application_id: int, guild_ids: list[str]) -> list[str]:
        """PUT the commands of each scope whose payload changed since the last sync; returns the scopes synced."""
        scopes: list[discord.Object | None] = [discord.Object(int(g)) for g in guild_ids] or [None]
        hashes = self._read()
        synced = []
        for guild in scopes:
            key = f"{application_id}:{guild.id if guild else 'global'}"
            digest = payload_hash(tree, guild)
            if hashes.get(key) == digest:
                continue
            commands = await tree.sync(guild=guild)
            log.info("synced %d commands to %s", len(commands), f"guild {guild.id}" if guild else "all guilds")
            hashes[key] = digest
            self._write(hashes)
            synced.append(key)
        if not synced:
            log.info("application commands unchanged: no sync")
        return synced
