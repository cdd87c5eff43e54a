"""Moving one community between stores: `copbot export` (storage/transfer_export.py) and `copbot import` (here).

The file is one JSON document, versioned and written a row at a time, one row per line:

    {"format": "copbot-export", "version": 1, "exported_at": "...", "schema": ["0006"], "counts": {...},
     "community": {"name": ..., "zone": ..., "settings": {...}, "last_kudos_number": ..., ...},
     "community_bindings": [...], "members": [...], "tags": [...], ..., "outbox": [...]}

Export reads every table inside one snapshot (REPEATABLE READ on PostgreSQL, one read transaction on SQLite)
through server-side cursors, a partition at a time: memory stays flat however many kudos there are.

Import parses the file incrementally (ijson) and inserts in batches, all in ONE transaction: a move lands whole
or not at all (a half-imported community would be refused on the retry as "already exists"), and `--replace`
deletes the old community in that same transaction, so a failed import leaves it as it was. The cost is one
long write transaction: on SQLite other writers wait for it (stop the bot while importing).

Primary keys are never carried over (the target may hold other communities): every row gets a new id, and
references to members, tags, meetups and occurrences are translated, in foreign keys and in the ids that outbox
payloads, outbox dedupe keys and audit details name. Per-community numbers (kudos #12, meetup #3) and the
community's counters are kept, so what people call things does not change.

Left out: `processed_events` (platform event ids, kept minutes for retries, not tied to a community) and outbox
rows already sent or given up (history, pruned after a week). Pending outbox rows ARE exported: reminders,
follow-ups, series top-ups and onboarding drips are rows written when a meetup is scheduled or a member joins,
and nothing re-plans them on start, so leaving them out would silently drop every reminder of the moved
community.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import BinaryIO

import ijson
from sqlalchemy import Date, Table, delete, exc, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.models import (
    AuditRow,
    Base,
    BindingRow,
    CommunityRow,
    KudosRow,
    UtcDateTime,
)
from storage.transfer_ids import IdMaps, TransferError, remap_dedupe_key, remap_detail
from storage.transfer_json import read_document
from storage.transfer_sections import (
    BATCH,
    COMMUNITY_FIELDS,
    FORMAT,
    KUDOS,
    KUDOS_TAGS,
    NATURAL_KEYS,
    OUTBOX,
    SECTIONS,
    VERSION,
    Progress,
    exported_columns,
)


@dataclass
class Imported:
    name: str
    community_id: int
    counts: dict[str, int] = field(default_factory=dict)
    replaced: list[str] = field(default_factory=list)
    unbound: list[str] = field(default_factory=list)  # bindings left to the community that holds them (--as)


def _referenced() -> set[str]:
    """Sections whose old -> new ids must be remembered: another section refers to them."""
    return {fk.column.table.name for table in SECTIONS for column in table.c for fk in column.foreign_keys
            if column.name != "community_id" and fk.column.table is not KUDOS}  # kudos: their tags ride along


async def import_community(engine: AsyncEngine, source: BinaryIO, *, new_name: str | None = None,
                           replace: bool = False, progress: Progress | None = None) -> Imported:
    """Read an export document from `source` into a new community (named `new_name` if given).

    Refused (TransferError, nothing written) when a community of that name, or one bound to the same workspace,
    guild or console, exists; `replace=True` deletes those first; with `new_name` the taken bindings are left
    out and the copy is imported unbound to them."""
    try:
        document = read_document(source)
        community, counts = _read_header(document, new_name)
        async with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                await conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock before looking
            else:
                await conn.begin()
            result, maps = await _make_room(conn, community, document, replace, new_name is not None)
            for key, rows in document:
                table = _section(key)
                done = 0
                for batch in _batches(rows):
                    await _insert(conn, table, batch, maps, result.community_id)
                    done += len(batch)
                    if progress:
                        total = counts.get(key)
                        progress(key, done, total if isinstance(total, int) else done)
                result.counts[key] = done
            await _rebuild_derived(conn, result.community_id, community["zone"])
            await conn.commit()
    except (exc.StatementError, exc.DBAPIError) as error:
        raise TransferError(f"the database refused a row: {_first_line(error)}; nothing was imported") from None
    except ijson.JSONError as error:
        raise TransferError(f"the file is not whole, valid JSON ({str(error)[:200]}); nothing was imported") from None
    return result


async def _rebuild_derived(conn: AsyncConnection, community_id: int, zone: str) -> None:
    """Tables computed from the imported rows are recounted, not copied (their periods are today's, here)."""
    if "kudos_totals" in Base.metadata.tables:  # migration 0007's running leaderboard totals
        from storage.repositories.kudos_totals import FIRST_LIVE, rebuild_statements

        first = (await conn.execute(FIRST_LIVE, {"community_id": community_id})).scalar()
        for statement in rebuild_statements(community_id, zone, datetime.now(UTC), first=first):
            await conn.execute(statement)
    if "active_counts" in Base.metadata.tables:  # migration 0018
        from storage.repositories.member_weeks import recount_statements

        for statement in recount_statements(community_id):
            await conn.execute(statement)
    if "question_answers" in Base.metadata.tables:  # an export from before migration 0020 has no `by_asker`
        from storage.repositories.questions import asker_replies_statement

        await conn.execute(asker_replies_statement(community_id))


def _read_header(document, new_name: str | None) -> tuple[dict, dict]:
    """Everything before the first section: the format, its version, the counts and the community."""
    header: dict = {}
    for key, value in document:
        header[key] = value
        if key == "community":
            break
    if header.get("format") != FORMAT:
        raise TransferError("this is not a copbot export (it does not start with \"format\": \"copbot-export\")")
    if header.get("version") != VERSION:
        raise TransferError(f"this export is format version {str(header.get('version'))[:20]}; this copbot reads "
                            f"version {VERSION}: import it with the copbot that wrote it, or a newer one")
    if "community" not in header:
        raise TransferError("the file ended before its community: it is not a whole copbot export")
    counts = header.get("counts")
    return _check_community(header["community"], new_name), counts if isinstance(counts, dict) else {}


async def _make_room(conn: AsyncConnection, community: dict, document, replace: bool,
                     renamed: bool) -> tuple[Imported, IdMaps]:
    """Check for clashes, delete what --replace replaces, insert the community and the bindings it may have."""
    key, bindings = next(document, (None, None))
    if key != BindingRow.__tablename__:
        raise TransferError("the file's first section is not community_bindings: it is not a copbot export")
    wanted = [(b["platform"], b["workspace_id"]) for b in bindings
              if isinstance(b, dict) and isinstance(b.get("platform"), str) and isinstance(b.get("workspace_id"), str)]
    holders = {row.id: row.name for row in await conn.execute(
        select(CommunityRow.id, CommunityRow.name).where(CommunityRow.name == community["name"]))}
    taken = {}
    for platform, workspace in wanted:
        owner = (await conn.execute(select(CommunityRow.id, CommunityRow.name).join(
            BindingRow, BindingRow.community_id == CommunityRow.id).where(
            BindingRow.platform == platform, BindingRow.workspace_id == workspace))).first()
        if owner:
            taken[(platform, workspace)] = owner.name
            if replace or not renamed:
                holders[owner.id] = owner.name
    if holders and not replace:
        clashes = [f"{p} {w} is bound to {n!r}" for (p, w), n in taken.items()]
        if community["name"] in holders.values():
            clashes.insert(0, f"a community named {community['name']!r} exists")
        raise TransferError(f"{'; '.join(clashes)}. Nothing was imported: add --replace to delete "
                            f"{', '.join(map(repr, sorted(set(holders.values()))))} first, or --as NEW_NAME "
                            "to import a copy under another name")
    for cid in holders:
        await delete_community(conn, cid)
    old_id = community.pop("id", None)
    new_id = (await conn.execute(insert(CommunityRow.__table__).returning(CommunityRow.id), [community])).scalar()
    free = [(p, w) for p, w in wanted if replace or (p, w) not in taken]
    if free:
        await conn.execute(insert(BindingRow.__table__),
                           [{"community_id": new_id, "platform": p, "workspace_id": w} for p, w in free])
    result = Imported(community["name"], new_id, counts={key: len(free)}, replaced=sorted(holders.values()),
                      unbound=[f"{p} {w} (it stays with {taken[(p, w)]!r})" for p, w in wanted
                               if (p, w) not in free])
    maps = IdMaps({name: {} for name in _referenced()} | {"communities": {old_id: new_id}})
    return result, maps


async def delete_community(conn: AsyncConnection, community_id: int) -> None:
    """Every row of a community, children first (also tables added after this module was written)."""
    for table in reversed(Base.metadata.sorted_tables):
        if "community_id" in table.c:
            await conn.execute(delete(table).where(table.c.community_id == community_id))
    await conn.execute(delete(CommunityRow.__table__).where(CommunityRow.id == community_id))


def _check_community(value, new_name: str | None) -> dict:
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        raise TransferError("the file's community has no name: it is not a copbot export")
    row = {key: value.get(key) for key in COMMUNITY_FIELDS if key in value}
    row["created_at"] = _when(row.get("created_at")) or datetime.now(UTC)
    if new_name is not None:
        row["name"] = new_name
    if not row["name"].strip() or len(row["name"]) > 200:
        raise TransferError("a community name is 1 to 200 characters")
    return row


def _section(key: str) -> Table:
    for table in SECTIONS:
        if table.name == key:
            return table
    raise TransferError(f"the file has a section {key!r} this copbot does not know: it was written by a newer "
                        "copbot, or it is damaged")


def _batches(rows: Iterator[dict]) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def _insert(conn: AsyncConnection, table: Table, batch: list[dict], maps: IdMaps, cid: int) -> None:
    old_ids = [row.get("id") for row in batch]
    tags = [row.pop("tags", None) or [] for row in batch] if table is KUDOS else None
    rows = [_decode(table, row, maps, cid) for row in batch]
    if table is _AUDIT:
        await _resolve_kudos_ids(conn, rows, cid)
    await conn.execute(insert(table), rows)  # executemany, no RETURNING: SQLite would insert a row at a time
    remember = maps.tables.get(table.name)
    if remember is None and tags is None:
        return
    # The new ids, found by each row's natural key (unique within the community, kept by the move).
    natural = [table.c[name] for name in NATURAL_KEYS[table.name]]
    keys = [tuple(row[c.name] for c in natural) for row in rows]
    found = {tuple(found[1:]): found[0] for found in await conn.execute(
        select(table.c.id, *natural).where(table.c.community_id == cid, tuple_(*natural).in_(keys)))}
    new_ids = [found[key] for key in keys]
    if remember is not None:
        remember.update(zip(old_ids, new_ids, strict=True))
    if tags:
        links = [{"community_id": cid, "kudos_id": kudos_id, "tag_id": maps.get("tags", tag)}
                 for kudos_id, kudos_tags in zip(new_ids, tags, strict=True) for tag in kudos_tags]
        if links:
            await conn.execute(insert(KUDOS_TAGS), links)


_AUDIT = AuditRow.__table__


def _decode(table: Table, record: dict, maps: IdMaps, cid: int) -> dict:
    if not isinstance(record, dict):
        raise TransferError(f"a row of {table.name} is not an object: the file is damaged")
    row = {"community_id": cid}
    for column in exported_columns(table):
        if column.name == "id" and column.primary_key and "id" in table.primary_key.columns:
            continue
        value = record.get(column.name)
        if column.name not in record and not column.nullable and column.default is None:
            raise TransferError(f"a row of {table.name} has no {column.name}: the file is damaged or too old")
        if value is None and column.name not in record and column.default is not None:
            value = column.default.arg if column.default.is_scalar else None
        if value is not None:
            if isinstance(column.type, UtcDateTime):
                value = _when(value)
            elif isinstance(column.type, Date):
                value = _day(value)
            for fk in column.foreign_keys:
                if column.name != "community_id":
                    value = maps.get(fk.column.table.name, value)
        row[column.name] = value
    if table is OUTBOX:
        row["payload"] = remap_detail(row["payload"], maps)
        row["dedupe_key"] = remap_dedupe_key(row["dedupe_key"], maps, cid)
        row.update(attempts=row.get("attempts") or 0)
    if table is _AUDIT:
        row["detail"] = remap_detail(row["detail"], maps)
    return row


async def _resolve_kudos_ids(conn: AsyncConnection, rows: list[dict], cid: int) -> None:
    """An audit detail names a kudos by id and number: the number is kept, so the new id is found by it."""
    for row in rows:
        detail = row["detail"]
        if isinstance(detail, dict) and "kudos_id" in detail:
            detail["kudos_id"] = await conn.scalar(select(KudosRow.id).where(
                KudosRow.community_id == cid, KudosRow.number == detail.get("number")))


def _when(value) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise TransferError(f"{str(value)[:40]!r} is not a time: the file is damaged") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(value) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise TransferError(f"{str(value)[:40]!r} is not a date: the file is damaged") from None


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0][:300]
