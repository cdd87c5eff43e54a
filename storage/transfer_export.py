"""`copbot export`: one community written as an export document (the format: storage/transfer.py), every table
read inside one snapshot through server-side cursors, a partition at a time."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import String, Table, cast, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.models import CommunityRow
from storage.transfer_ids import TransferError
from storage.transfer_sections import (
    BATCH,
    COMMUNITY_FIELDS,
    FORMAT,
    KUDOS,
    KUDOS_TAGS,
    OUTBOX,
    SECTIONS,
    VERSION,
    Progress,
    exported_columns,
)


async def export_community(engine: AsyncEngine, name: str, write: Callable[[bytes], object],
                           progress: Progress | None = None) -> dict[str, int]:
    """Write community `name` as an export document through `write`; return the rows written per section."""
    async with engine.connect() as conn:
        await _snapshot(conn)
        community = (await conn.execute(select(CommunityRow.__table__).where(CommunityRow.name == name))).first()
        if community is None:
            names = sorted((await conn.scalars(select(CommunityRow.name).limit(20))).all())
            raise TransferError(f"there is no community named {name!r} here"
                                + (f"; communities: {', '.join(names)}" if names else "; the database has none"))
        cid = community.id
        counts = {table.name: await conn.scalar(select(func.count()).select_from(_query(table, cid).subquery()))
                  for table in SECTIONS}
        revisions = (await conn.scalars(text("SELECT version_num FROM alembic_version"))).all()
        header = {"format": FORMAT, "version": VERSION, "exported_at": datetime.now(UTC).isoformat(),
                  "schema": sorted(revisions), "counts": counts,
                  "community": _encode(community._mapping, COMMUNITY_FIELDS)}
        write(_dumps(header)[:-1].encode())  # the sections follow inside the same object
        for table in SECTIONS:
            write(f',\n"{table.name}":['.encode())
            done, keys = 0, [c.name for c in exported_columns(table)]
            result = await conn.stream(_query(table, cid), execution_options={"yield_per": BATCH})
            async for rows in result.partitions():
                lines = []
                for row in rows:
                    record = _encode(row._mapping, keys)
                    if table is KUDOS:
                        record["tags"] = [int(t) for t in row.tags.split(",")] if row.tags else []
                    lines.append(_dumps(record))
                write(((",\n" if done else "\n") + ",\n".join(lines)).encode())
                done += len(rows)
                if progress:
                    progress(table.name, done, counts[table.name])
            write(b"\n]")
        write(b"}\n")
        await conn.rollback()
    return counts


async def _snapshot(conn: AsyncConnection) -> None:
    """Every table read at one moment, while the bot may go on writing."""
    if conn.dialect.name == "sqlite":
        await conn.exec_driver_sql("BEGIN")  # pysqlite would otherwise read each SELECT on its own
    else:
        await conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        await conn.begin()


def _query(table: Table, cid: int):
    query = select(*exported_columns(table)).where(table.c.community_id == cid)
    if table is OUTBOX:
        query = query.where(table.c.sent_at.is_(None), table.c.failed_at.is_(None))
    if table is KUDOS:
        tags = (select(func.aggregate_strings(cast(KUDOS_TAGS.c.tag_id, String), ","))
                .where(KUDOS_TAGS.c.kudos_id == table.c.id).scalar_subquery())
        query = query.add_columns(tags.label("tags"))
    return query.order_by(*table.primary_key.columns)


def _encode(mapping, keys) -> dict:
    return {key: (value.isoformat() if isinstance(value, date) else value)  # a datetime is a date too
            for key, value in ((key, mapping[key]) for key in keys)}


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
