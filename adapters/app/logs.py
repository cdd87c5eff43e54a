"""Log lines: one JSON object per line when stderr is not a terminal (a container, a service manager), plain
text otherwise; COPBOT_LOG_FORMAT=json|text chooses explicitly.

Every line written while the core handles a command or an event carries its request id (the reference a
person is shown when something fails) and the community's id, read from the context the core sets
(bot/observe.py). Lines never carry message text (the core logs command names, never what was typed), and
anything shaped like a token or a URL password is masked in case a library puts one in an error."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from datetime import UTC, datetime

from bot.observe import current_request

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(request)s: %(message)s"

_SECRETS = [
    (re.compile(r"\bxox[a-z]-[A-Za-z0-9-]+"), "xox?-***"),  # Slack bot and user tokens
    (re.compile(r"\bxapp-[A-Za-z0-9-]+"), "xapp-***"),  # Slack app-level tokens
    (re.compile(r"\b[\w-]{23,28}\.[\w-]{6,7}\.[\w-]{27,}"), "***"),  # Discord bot tokens
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@"), r"\1***@"),  # passwords in URLs
]


def mask_secrets(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RequestContext(logging.Filter):
    """Puts the current request id and community on each record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = current_request.get()
        record.request_id = info.request_id if info else None
        record.community = info.community_id if info else None
        record.request = "" if info is None else (
            f" [{info.request_id}" + (f" community={info.community_id}]" if info.community_id else "]"))
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        return mask_secrets(super().format(record))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        for key in ("request_id", "community"):
            if getattr(record, key, None) is not None:
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return mask_secrets(json.dumps(line, ensure_ascii=False, default=str))


def wants_json(stream=None) -> bool:
    chosen = os.environ.get("COPBOT_LOG_FORMAT", "").lower()
    if chosen in ("json", "text"):
        return chosen == "json"
    stream = stream or sys.stderr
    return not (hasattr(stream, "isatty") and stream.isatty())


def configure(level: str | int = "INFO", stream=None) -> None:
    """Send every logger's lines to stderr, one format for all of them (copbot's and the libraries')."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if wants_json(stream) else TextFormatter())
    handler.addFilter(RequestContext())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
