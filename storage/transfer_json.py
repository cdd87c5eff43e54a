"""Reading an export document incrementally with ijson: memory holds one row, not the file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import ijson

from storage.transfer_ids import TransferError


def read_document(source: BinaryIO) -> Iterator[tuple[str, object]]:
    """The top-level (key, value) pairs, in file order. An array comes as an iterator over its items, parsed
    as they are asked for (whatever the caller leaves unread is skipped); anything else comes whole."""
    events = ijson.parse(source, use_float=True)
    try:
        _prefix, event, _value = next(events)
    except (StopIteration, ijson.JSONError):
        raise TransferError("the file is empty or not JSON: it is not a copbot export") from None
    if event != "start_map":
        raise TransferError("the file is not a JSON object: it is not a copbot export")
    for _prefix, event, key in events:
        if event == "end_map":
            return
        _prefix, event, value = next(events)
        if event == "start_array":
            items = _items(events)
            yield key, items
            for _ in items:
                pass
        else:
            yield key, _build(events, event, value)


def _items(events) -> Iterator:
    for _prefix, event, value in events:
        if event == "end_array":
            return
        yield _build(events, event, value)


def _build(events, event: str, value):
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1 if event in ("start_map", "start_array") else 0
    while depth:
        _prefix, event, value = next(events)
        builder.event(event, value)
        depth += event in ("start_map", "start_array")
        depth -= event in ("end_map", "end_array")
    return builder.value
