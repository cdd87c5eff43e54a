"""Old ids -> new ids when a community moves to another store (storage.transfer): in foreign keys, and where
the bot names a row id inside JSON (outbox payloads, audit details) or inside an outbox dedupe key."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Keys of outbox payloads and audit details that hold a row id, and the table it is an id of.
ID_KEYS = {"member_id": "members", "buddy_id": "members", "into_id": "members", "meetup_id": "meetups",
           "occurrence_id": "meetup_occurrences", "question_id": "questions",
           "answer_id": "question_answers"}

# The dedupe keys the bot writes that hold row ids (bot/features/meetups/service.py and reminders.py,
# bot/features/welcome/drip.py and flows.py, bot/features/questions). A key of any other shape is kept, prefixed
# with the new community's id so it cannot collide with a key of another community in the target store.
DEDUPE_KEYS = (
    (re.compile(r"^(?:reminder|followup)(?:-post)?:(\d+)@"), ("meetup_occurrences",)),
    (re.compile(r"^meetup-post:(\d+):"), ("meetups",)),  # bot/features/meetups/everywhere.py
    (re.compile(r"^reminder-dm:(\d+)@[^:]*:[^:]*:(\d+)$"), ("meetup_occurrences", "members")),
    (re.compile(r"^horizon:(\d+):"), ("meetups",)),
    (re.compile(r"^drip:(\d+):"), ("members",)),
    (re.compile(r"^greetings:(\d+):"), ("communities",)),
    (re.compile(r"^escalate:(\d+):(\d+):"), ("communities", "questions")),
    (re.compile(r"^schedule:[\w-]+:(\d+):"), ("communities",)),  # a feature's Schedule (bot/schedules.py)
    (re.compile(r"^questions\.(?:post|nudge|stale|mirror):(\d+)(?::|$)"), ("questions",)),
    (re.compile(r"^questions\.copy:(\d+):"), ("question_answers",)),
)


class TransferError(Exception):
    """Why an export or import cannot go ahead, in words for the operator. Nothing was changed."""


@dataclass
class IdMaps:
    tables: dict[str, dict[int, int]]  # table name -> {id in the file: id in this store}

    def get(self, table: str, old):
        try:
            return self.tables[table][old]
        except (KeyError, TypeError):
            raise TransferError(f"a row refers to {table} {str(old)[:20]}, which the file does not hold before "
                                "it: the file is damaged") from None


def remap_detail(detail, maps: IdMaps):
    """A payload or audit detail with the ids it names translated (ids the file does not hold become null)."""
    if not isinstance(detail, dict):
        return detail
    out = dict(detail)
    for key, table in ID_KEYS.items():
        if key in out and out[key] is not None:
            out[key] = maps.tables.get(table, {}).get(out[key])
    return out


def remap_dedupe_key(key: str | None, maps: IdMaps, community_id: int) -> str | None:
    if key is None:
        return None
    for pattern, tables in DEDUPE_KEYS:
        match = pattern.match(key)
        if match:
            for group in range(len(tables), 0, -1):  # from the right, so earlier spans stay valid
                new = maps.get(tables[group - 1], int(match.group(group)))
                key = key[:match.start(group)] + str(new) + key[match.end(group):]
            return key
    return f"imported-{community_id}:{key}"[:200]


def known_dedupe_key(key: str) -> bool:
    return any(pattern.match(key) for pattern, _tables in DEDUPE_KEYS)
