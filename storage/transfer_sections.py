"""What an export holds: its format, its sections (every table holding one community's rows, in the order they
are written and read back) and the columns of each (storage/transfer.py says how a community moves)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Table

import storage.repositories.registry  # noqa: F401  (every feature's repository, and so its tables)
from storage.models import AuditRow, Base, KudosRow, KudosTagRow, OutboxRow

FORMAT, VERSION = "copbot-export", 1
BATCH = 1000
Progress = Callable[[str, int, int], None]  # (section, rows done, rows in the file)

KUDOS, KUDOS_TAGS, OUTBOX = KudosRow.__table__, KudosTagRow.__table__, OutboxRow.__table__
# Tables holding community rows that are not sections of their own, and why.
NOT_SECTIONS = {
    "kudos_tags": "written inside each kudos as its list of tag ids",
    "processed_events": "platform event ids kept for retries; operational, and not tied to one community",
    "link_codes": "one-time linking codes, valid ten minutes: not worth carrying",
    "link_attempts": "recent tries at a linking code, kept for the hourly limit: operational",
    "topic_escalations": "who was asked about which question, for the weekly cap: operational, and it names"
                         " questions by id",
    "kudos_totals": "running leaderboard totals derived from the kudos: recounted on import (_rebuild_derived)",
    "active_counts": "active members per week, counted from member_weeks: recounted on import (_rebuild_derived)",
}


def _sections() -> tuple[Table, ...]:
    """Every table holding one community's rows, in the order they are written and read back: a table after every
    table it refers to, and the audit log and the outbox last, as they name the others' ids inside JSON. A new
    feature's tables travel without being named here (or are left out in NOT_SECTIONS, with the reason)."""
    last = (AuditRow.__table__, OutboxRow.__table__)
    tables = [t for t in Base.metadata.sorted_tables
              if "community_id" in t.c and t.name not in NOT_SECTIONS and t not in last]
    return (*tables, *last)


SECTIONS = _sections()
# What names a row within its community besides its id: new ids are looked up by it after each batch.
NATURAL_KEYS = {"members": ("platform", "workspace_id", "user_id"), "tags": ("name",), "kudos": ("number",),
                "meetups": ("number",), "meetup_occurrences": ("meetup_id", "original_start"),
                "questions": ("number",), "question_answers": ("question_id", "number")}
COMMUNITY_FIELDS = ("id", "name", "zone", "settings", "created_at", "last_kudos_number", "last_meetup_number")
OUTBOX_STATE = {"lease_until", "lease_owner", "sent_at", "failed_at"}  # only pending rows travel; state resets


def exported_columns(table: Table) -> list:
    return [c for c in table.c if c.name != "community_id" and not (table is OUTBOX and c.name in OUTBOX_STATE)]
