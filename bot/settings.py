"""Per-community settings: config gives the defaults, managers change them in chat (/settings).

Each feature declares its own section (a `Settings` subclass with its keys); `compose_settings` joins the sections
of the features in the catalog into the one model a community holds. Keys stay flat and unique across sections,
so the stored JSON (`communities.settings`) is one flat object, as before sections existed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, create_model


class Settings(BaseModel):
    """A feature's settings section; every key can be set in config and with /settings. The base itself has no
    keys: a feature without settings declares `settings=Settings`."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @classmethod
    def from_stored(cls, data: dict | None) -> Settings:
        """Settings as stored. A value that no longer validates (a rule tightened since, a key removed) falls
        back to its default, so a stored value never makes a later read fail."""
        data = dict(data or {})
        for _ in range(len(data) + 1):
            try:
                return cls(**data)
            except ValidationError as error:
                for problem in error.errors():
                    data.pop(str(problem["loc"][0]) if problem["loc"] else "", None)
        return cls()

    @classmethod
    def describe(cls) -> dict[str, str]:
        return {name: field.description or "" for name, field in cls.model_fields.items()}


def compose_settings(sections: Iterable[type[Settings]]) -> type[Settings]:
    """One model with every section's keys, in the sections' order. The same sections give the same class."""
    return _compose(tuple(dict.fromkeys(s for s in sections if s is not Settings)))


@cache
def _compose(sections: tuple[type[Settings], ...]) -> type[Settings]:
    seen: dict[str, str] = {}
    for section in sections:
        # a validator is found by its method name: two sections' `_channel` would hide one another
        for name in (*section.model_fields, *section.__pydantic_decorators__.field_validators):
            if name in seen:
                raise ValueError(f"{name!r} is declared by both {seen[name]} and {section.__name__}")
            seen[name] = section.__name__
    # pydantic collects the fields of the bases last to first: reversed, the first section's keys come first.
    return create_model("CommunitySettings", __base__=tuple(reversed(sections)) or Settings)


def words(value) -> list:
    """A list setting typed in chat ("1d, 1h" or "1d 1h"); "none" or nothing is an empty list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [] if value.strip().lower() in {"none", "off", "-"} else value.replace(",", " ").split()
    return list(value)


def channel_id(value) -> str | None:
    """A channel setting as stored: a channel token `<#id|kudos>` (as the adapters hand channel references over)
    and `#kudos` (the console's names) are the channel's id. A community on several platforms lists one channel
    per place, space separated: `slack:C123 discord:42` (see `channel_here`)."""
    if value is None:
        return None
    entries = [_one_channel(entry) for entry in re.findall(r"<[^>]*>|[^\s,]+", str(value))]
    return " ".join(e for e in entries if e) or None


Channel = Annotated[str | None, BeforeValidator(channel_id)]  # a channel setting: stored as `channel_id` gives it


def _one_channel(text: str) -> str | None:
    if mention := re.fullmatch(r"(.*?)<#([\w.\-]+)(?:\|[^>]*)?>", text):
        return mention[1] + mention[2]
    return text.lstrip("#") or None


def channel_here(value: str | None, platform: str, workspace_id: str) -> str | None:
    """A channel setting as it applies where something happened. `C123` applies everywhere; a community that
    spans platforms or workspaces says where each channel is: `slack:C123`, `discord:42` or `slack:T1:C123`,
    several of them space separated. The most specific entry that applies wins."""
    found: dict[int, str] = {}
    for entry in (value or "").split():
        parts = entry.split(":")
        if len(parts) == 1:
            found.setdefault(0, entry)
        elif len(parts) <= 3 and parts[0] == platform and (len(parts) == 2 or parts[1] == workspace_id):
            found.setdefault(len(parts) - 1, parts[-1])
    return found[max(found)] if found else None


def channels_everywhere(value: str | None, bindings: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(platform, workspace, channel) of a channel setting in every workspace the community is bound to."""
    return [(platform, workspace, channel) for platform, workspace in bindings
            if (channel := channel_here(value, platform, workspace))]


def channel_set_here(old: str | None, new: str | None, here: tuple[str, str],
                     bindings: Iterable[tuple[str, str]]) -> str | None:
    """A single channel typed in one workspace of a community bound to several: it becomes that workspace's
    entry (`platform:workspace:channel`), and every other workspace keeps the channel that applied there. `None`
    clears this workspace's. A value that already names places (`slack:C1 discord:42`) replaces the whole."""
    if new is not None and (":" in new or " " in new):
        return new
    platform, workspace = here
    entries = [f"{p}:{w}:{c}" for p, w, c in channels_everywhere(old, bindings) if (p, w) != here]
    if new is not None:
        entries.append(f"{platform}:{workspace}:{new}")
    return " ".join(entries) or None
