"""Each command is declared once; the text parser, /help, the Slack manifest and the Discord
command tree are all derived from these declarations."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.errors import Refusal, concerning
from bot.identity import Role
from bot.reply import Visibility
from bot.tags import TAG_TOKEN, split_trailing_tags
from bot.text import clean_text


class Kind(StrEnum):
    MEMBER = "member"  # one @mention
    MEMBERS = "members"  # one to max_items @mentions
    TEXT = "text"  # the rest of the line
    WORD = "word"  # one word
    CHOICE = "choice"  # one of `choices`
    INT = "int"
    TAGS = "tags"  # #tags, taken from anywhere in the line


@dataclass(frozen=True)
class Suggestion:
    """One autocomplete choice: what the list shows, and what it fills in."""

    label: str  # "12 — Sunday run, Sun 6 Dec"
    value: str  # "12"


# (a bot.context.Lookup: the store, read only, the community and the time; what was typed so far) -> choices
Suggester = Callable[[Any, str], Awaitable[list[Suggestion]]]


def from_examples(examples: Sequence[str]) -> Suggester:
    """Suggest the examples that start with (then contain) what was typed."""

    async def suggest(_lookup: Any, typed: str) -> list[Suggestion]:
        wanted = " ".join(typed.split()).casefold()
        first = [e for e in examples if e.casefold().startswith(wanted)]
        then = [e for e in examples if wanted in e.casefold() and e not in first]
        return [Suggestion(e, e) for e in first + then]

    return suggest


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind
    help: str
    optional: bool = False
    max_items: int = 1
    max_len: int = 500
    choices: tuple[str, ...] = ()
    suggest: Suggester | None = None  # autocomplete (tags are suggested by the core without one)
    noun: str = ""  # how a refusal names a text that is too long, when the help is no noun ("the details")

    def usage(self) -> str:
        shown = {
            Kind.MEMBER: "@member",
            Kind.MEMBERS: "@member…",
            Kind.CHOICE: "|".join(self.choices),
            Kind.TAGS: "#tag",
        }.get(self.kind, self.name)
        return f"[{shown}]" if self.optional else shown


@dataclass(frozen=True)
class Mention:
    """An @mention as typed: a platform user id (the core's token `<@id>` or `<@id|bob>`) or, failing that, a bare name."""

    user_id: str | None
    name: str | None = None


Handler = Callable[[Any, Any], Awaitable[Any]]
Typed = str | int | Mention | Sequence[str | Mention] | None  # one typed value: see CommandSpec.line


def mention_token(mention: Mention) -> str:
    """The core's token for a member picked on a platform (what the parser reads back as a Mention)."""
    return f"<@{mention.user_id}>"


def _items(value: Typed) -> list:
    """A typed value as its non-blank items: text stripped, mentions as they are."""
    values = value if isinstance(value, (list, tuple)) else [value]
    return [v if isinstance(v, Mention) else str(v).strip() for v in values
            if isinstance(v, Mention) or (v is not None and str(v).strip())]


@dataclass(frozen=True)
class FormField:
    """One text input of a declared form."""

    name: str
    label: str
    placeholder: str = ""
    required: bool = True
    max_len: int = 500
    multiline: bool = False
    suggest: Suggester | None = None  # where the platform shows the field as an autocompleted option


@dataclass(frozen=True)
class Form:
    """What a command asks in a form (Slack modal, Discord modal and options), and how the answers become the
    line the command's parser reads, so the rules that check the answers stay in one place.

    `blame` sends a refusal about something that is not a field of its own ("duration") to the field that
    holds it ("details")."""

    fields: tuple[FormField, ...]
    to_line: Callable[[Mapping[str, str]], str]  # the answers (absent = "") -> the text after the command name
    blame: Mapping[str, str] = field(default_factory=dict)

    def line(self, command: str, answers: Mapping[str, str | None]) -> str:
        texts = {f.name: (answers.get(f.name) or "").strip() for f in self.fields}
        return f"{command} {self.to_line(texts)}".strip()

    def field_for(self, concern: str | None) -> str | None:
        """The field a refusal about `concern` belongs next to, if any."""
        if concern is None:
            return None
        names = {f.name for f in self.fields}
        return concern if concern in names else self.blame.get(concern)


@dataclass(frozen=True)
class CommandSpec:
    name: str  # "kudos" or "kudos undo": a group word, then maybe a subcommand
    summary: str
    command: type  # the dataclass the parsed arguments build
    handler: Handler
    params: tuple[Param, ...] = ()
    role: Role = Role.MEMBER
    visibility: Visibility = Visibility.PUBLIC
    # Typed with no arguments, Slack and Discord open a form (modal): True = one field per param; a Form = its fields.
    form: bool | Form = False
    examples: tuple[str, ...] = ()

    @property
    def group(self) -> str:
        return self.name.split()[0]

    @property
    def sub(self) -> str | None:
        parts = self.name.split()
        return parts[1] if len(parts) > 1 else None

    def usage(self) -> str:
        return " ".join([f"/{self.name}", *(p.usage() for p in self.params)])

    @property
    def declared_form(self) -> Form | None:
        return self.form if isinstance(self.form, Form) else None

    @property
    def opens_form(self) -> bool:
        return self.declared_form is not None or (self.form is True and bool(self.params))

    def line(self, values: Mapping[str, Typed]) -> str:
        """The command line that values typed into a form or a platform's options spell, as if typed in full:
        `kudos <@2> <@3> thanks a lot #seo`. Keyed by param name (or, for a declared `Form`, by field name);
        None or blank is absent. A member is a `Mention` picked on the platform (or text typed for it); tags are
        "seo, #tech" or a list. The line has no quoting, so a one-word value holding spaces is refused rather
        than read as the next parameter."""
        if form := self.declared_form:
            return form.line(self.name, {f.name: " ".join(_items(values.get(f.name))) for f in form.fields})
        words, tags = [self.name], []
        for param in self.params:
            items = _items(values.get(param.name))
            if param.kind in (Kind.MEMBER, Kind.MEMBERS):
                words += dict.fromkeys(mention_token(v) if isinstance(v, Mention) else v for v in items)
            elif param.kind is Kind.TAGS:
                tags += [f"#{w.lstrip('#')}" for v in items for w in _TAG_SPLIT.split(v) if w.strip("#")]
            elif param.kind is Kind.TEXT:
                words += items
            elif items:
                if len(items) > 1 or len(items[0].split()) > 1:
                    raise Refusal(f"Please give {param.help} as one word.", field=param.name)
                words += items
        return " ".join(words + tags)

    def suggester(self, name: str) -> Suggester | None:
        """The suggestions for the param or form field called `name`, if the declaration offers some."""
        fields = self.declared_form.fields if self.declared_form else ()
        found = next((p for p in (*self.params, *fields) if p.name == name), None)
        return found.suggest if found else None


_TAG_SPLIT = re.compile(r"[\s,]+")
_TOKEN = re.compile(r"<[^>\s][^>]*>|\S+")
_MENTION = re.compile(r"^<@!?([\w.\-]+)(?:\|([^>]*))?>$")
_BARE_MENTION = re.compile(r"^@([\w.\-]+)$")


def as_mention(token: str) -> Mention | None:
    if m := _MENTION.match(token):
        return Mention(m[1], m[2] or None)
    if m := _BARE_MENTION.match(token):
        if m[1].lower() in {"everyone", "here", "channel"}:
            return None
        return Mention(None, m[1])
    return None


def parse_args(spec: CommandSpec, text: str) -> dict[str, Any]:
    """Turn the text after the command name into typed arguments, or refuse with the usage line."""
    values: dict[str, Any] = {}
    rest = text.strip()
    tags_param = next((p for p in spec.params if p.kind is Kind.TAGS), None)
    if tags_param:
        without_trailing, tags = split_trailing_tags(rest)
        values[tags_param.name] = tags
        # Tags inside a free text stay in it; elsewhere they are not positional arguments.
        has_text = any(p.kind is Kind.TEXT for p in spec.params)
        rest = without_trailing if has_text else TAG_TOKEN.sub(" ", rest).strip()

    for param in spec.params:
        if param.kind is Kind.TAGS:
            continue
        with concerning(param.name):
            value, rest = _take(param, rest, spec)
        values[param.name] = value
    if rest.strip():
        raise Refusal(f"I didn't understand '{_short(rest)}'. Usage: `{spec.usage()}`")
    return values


def _take(param: Param, rest: str, spec: CommandSpec) -> tuple[Any, str]:
    tokens = list(_TOKEN.finditer(rest))
    first = tokens[0][0] if tokens else None
    after_first = rest[tokens[0].end():] if tokens else ""

    def missing() -> Refusal:
        return Refusal(f"Please add {param.help}. Usage: `{spec.usage()}`")

    if param.kind is Kind.TEXT:
        text = rest.strip()
        if not text and param.optional:
            return None, ""
        if param.noun and len(text) > param.max_len:
            raise Refusal(f"Please keep {param.noun} under {param.max_len} characters (this one has {len(text)}).")
        return clean_text(text, what=param.help, max_len=param.max_len, required=True), ""

    if param.kind in (Kind.MEMBER, Kind.MEMBERS):
        found: list[Mention] = []
        consumed = 0
        for token in tokens:
            mention = as_mention(token[0])
            if mention is None:
                break
            found.append(mention)
            consumed = token.end()
        if not found:
            if param.optional:
                return (None if param.kind is Kind.MEMBER else []), rest
            if first and first.lstrip("@").lower() in {"everyone", "here", "channel"}:
                raise Refusal("Kudos and commands go to people, not to everyone at once: mention someone by name.")
            raise missing()
        limit = 1 if param.kind is Kind.MEMBER else param.max_items
        if len(found) > limit:
            raise Refusal(f"That's {len(found)} people; {param.help} takes at most {limit}.")
        unique = list(dict.fromkeys(found))
        return (unique[0] if param.kind is Kind.MEMBER else unique), rest[consumed:]

    if first is None:
        if param.optional:
            return None, ""
        raise missing()

    if param.kind is Kind.CHOICE:
        if first.lower() in param.choices:
            return first.lower(), after_first
        if param.optional:
            return None, rest
        raise Refusal(f"'{_short(first)}' isn't one of {', '.join(param.choices)}. Usage: `{spec.usage()}`")

    if param.kind is Kind.INT:
        digits = first.lstrip("#")
        if digits.isascii() and digits.isdigit() and len(digits) < 19:
            return int(digits), after_first
        if param.optional:
            return None, rest
        raise Refusal(f"'{_short(first)}' isn't a number. Usage: `{spec.usage()}`")

    if param.kind is Kind.WORD:
        return clean_text(first, what=param.help, max_len=param.max_len), after_first

    raise AssertionError(f"unhandled parameter kind {param.kind}")


def _short(text: str) -> str:
    return clean_text(text, what="text", max_len=10_000)[:40]


@dataclass
class CommandBook:
    """All declared commands, found by the words a person typed."""

    specs: dict[str, CommandSpec] = field(default_factory=dict)

    def add(self, spec: CommandSpec) -> None:
        if spec.name in self.specs:
            raise ValueError(f"command /{spec.name} is declared twice")
        self.specs[spec.name] = spec

    def groups(self) -> dict[str, list[CommandSpec]]:
        grouped: dict[str, list[CommandSpec]] = {}
        for spec in self.specs.values():
            grouped.setdefault(spec.group, []).append(spec)
        return grouped

    def find(self, line: str) -> tuple[CommandSpec, str]:
        """`kudos undo` -> (the undo spec, ""); `kudos @bob thanks` -> (the kudos spec, "@bob thanks")."""
        words = line.strip().lstrip("/").split(None, 2)
        if not words:
            raise Refusal("Type a command, like `/help`.")
        group = words[0].lower()
        if not any(s.group == group for s in self.specs.values()):
            raise Refusal(f"I don't know the command /{_short(group)}. Type `/help` to see what I can do.")
        if len(words) > 1 and f"{group} {words[1].lower()}" in self.specs:
            return self.specs[f"{group} {words[1].lower()}"], words[2] if len(words) > 2 else ""
        if group in self.specs:
            return self.specs[group], line.strip().lstrip("/")[len(words[0]):].strip()
        subs = ", ".join(f"/{s.name}" for s in self.specs.values() if s.group == group)
        raise Refusal(f"/{group} needs one of: {subs}.")

