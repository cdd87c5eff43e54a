"""Welcome messages as templates champions edit: checked when saved, filled in when sent."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import Refusal
from bot.text import clean_text, defuse_mentions

PLACEHOLDERS = ("member", "community", "guidelines_link", "champions")


@dataclass(frozen=True)
class TemplateKind:
    name: str
    about: str
    default: str
    max_len: int
    label: str  # how refusals name it: "the welcome DM"


KINDS = {
    kind.name: kind
    for kind in (
        TemplateKind("dm", "the direct message a newcomer gets",
                     "Welcome to {community}, {member}! 👋 We're glad you're here. "
                     "The steps below help you find your way. Questions? Ask {champions} or anyone here.", 1000,
                     "the welcome DM"),
        TemplateKind("greeting", "the short public greeting in the welcome channel",
                     "Please welcome {member} to {community}! 👋", 300, "the public greeting"),
        TemplateKind("back", "the message a member who returns soon gets",
                     "Welcome back to {community}, {member}! Type /onboarding to see where you left off.", 500,
                     "the welcome-back message"),
    )
}

_BRACED = re.compile(r"\{([^{}]*)\}")


def check_template(kind: str, text: str) -> str:
    """The template as it will be stored, or a Refusal naming what is wrong with it."""
    spec = KINDS[kind]
    cleaned = clean_text(text, what=spec.label, max_len=spec.max_len, required=True)
    unknown = [name for name in _BRACED.findall(cleaned) if name not in PLACEHOLDERS]
    if unknown:
        allowed = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
        raise Refusal(f"I don't know the placeholder {{{unknown[0][:30]}}}. You can use {allowed}.")
    if "{" in _BRACED.sub("", cleaned) or "}" in _BRACED.sub("", cleaned):
        raise Refusal("A { or } is left open in that message; placeholders look like {member}.")
    return cleaned


@dataclass(frozen=True)
class Facts:
    """What the placeholders stand for: names are already cleaned, so nobody is pinged."""

    member: str
    community: str
    guidelines_link: str | None
    champions: list[str]

    def value(self, name: str) -> str:
        if name == "member":
            return self.member
        if name == "community":
            return self.community
        if name == "guidelines_link":
            return self.guidelines_link or "the pinned guidelines"
        return join_names(self.champions) if self.champions else "our champions"


def fill(template: str, facts: Facts) -> str:
    """One pass: a name that itself looks like {community} is never expanded again."""
    return defuse_mentions(_BRACED.sub(lambda m: facts.value(m[1]), template))


def join_names(names: list[str], limit: int = 20) -> str:
    shown = names[:limit]
    if len(names) > limit:
        shown = [*shown, f"{len(names) - limit} more"]
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]
