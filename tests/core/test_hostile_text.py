"""Everything a user types is hostile: a property over every declared command.

For each command, hypothesis builds lines from its declaration (each parameter either a sensible value or hostile
text: `[[`, `]]`, the old `[[t:N:S]]` time markup, `<!channel>`, `<@…>`, `<t:…>`, huge numbers, right-to-left and
zero-width characters), said by the owner or by a member whose display name is itself hostile. After every line:
no internal error (the core's apology, an error logged, an outbox message that fails), nothing stored when the reply
is a refusal, every reply and every message sent renders on the console, Slack and Discord with no live mass mention
and no time the user typed; and after every line that was not refused, the community's reads (/leaderboard,
/profile, /meetup list, /help, /settings) still answer. SQLite only, a few dozen examples per command, so it
stays fast; the state of the community carries over from one example to the next, as it would in chat."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, literal, select, table, union_all

from adapters.app.bootstrap import build
from adapters.console.adapter import PLATFORM, WORKSPACE, canonical_mentions
from adapters.console.render import render as console_render
from adapters.discord.render import render as discord_render
from adapters.slack.manifest import declared_commands
from adapters.slack.render import render as slack_render
from bot.commands import CommandSpec, Kind, Param
from bot.core import ERROR_TEXT, Invocation
from bot.features.catalog import CommunitySettings
from bot.identity import MemberRef, Person, Place
from bot.reply import STAMP_OPEN, Reply
from tests.conftest import make_config
from tests.fakes.clock import FakeClock

BOOK = declared_commands()
EXAMPLES_PER_COMMAND = int(os.environ.get("COPBOT_HOSTILE_EXAMPLES", "40"))  # more for a deeper run

FRAGMENTS = (
    "[[", "]]", "[[t:99999999999999:F]]", "[[t:0:F]]", "[[t:-62135596800:R]]", "[[t:1:Z]]", "<t:0:F>",
    "<t:99999999999999:R>", "<!date^0^{date}|x>", "<!channel>", "<!here|here>", "<!everyone>", "<!subteam^S1|t>",
    "@everyone", "@here", "@channel", "<@U1>", "<@&123>", "<#C1|seo>", "{member}", "{", "}", "{community}",
    "99999999999999999999", "-1", "0", "#seo", "#", '"', "“", "”", "=", "place=", "\u202e", "\u200f", "\u2066",
    "\u200b", "\u200d", "\ufeff", "مرحبا", "שלום", "👩‍👩‍👧", "é", "\x02t:99999999999999:F\x03", "\x02t:0:F\x03",
    "\x02", "\x03", "\n", "\t", "\r", "`", "*", "_", "~", "&amp;", "<", ">", "'; DROP TABLE members; --", "%s",
    "x" * 600,
)
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), min_size=1, max_size=5).map("".join)
# A piece of a command line must stay one line: the console and the platforms hand the core one line.
one_line = hostile.map(lambda text: " ".join(text.splitlines()))
word = one_line.map(lambda text: "".join(text.split()) or "x")

# Mostly the owner (so champion and manager commands get past the role check), else mallory with a hostile name.
SPEAKERS = st.one_of(st.none(), st.none(), st.none(), hostile)
MEMBERS = ("@carol", "@alice", "@mallory", "@dave")
mention = st.one_of(st.sampled_from(MEMBERS), word.map(lambda name: f"<@erin|{name.replace('>', '')}>"), word)
SETTING_KEYS = tuple(CommunitySettings.model_fields)
DAYS = ("2026-11-29", "2026-12-06", "2026-12-13")  # Sundays: the days of the weekly "Sunday run"
SENSIBLE_WORDS = {"day": DAYS, "zone_name": ("Europe/Berlin", "America/Sao_Paulo"), "key": SETTING_KEYS,
                  "step": ("intro", "interests", "guidelines"), "topic": ("kudos", "meetup")}


def sensible(param: Param) -> st.SearchStrategy[str]:
    """A value a real request would give: the line gets past this parameter, so what it carries is stored."""
    if param.kind is Kind.MEMBER:
        return st.sampled_from(MEMBERS)
    if param.kind is Kind.MEMBERS:
        return st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=3).map(" ".join)
    if param.kind is Kind.CHOICE:
        return st.sampled_from(param.choices)
    if param.kind is Kind.INT:
        return st.sampled_from(("1", "2"))
    if param.kind is Kind.WORD:
        return st.sampled_from(SENSIBLE_WORDS.get(param.name, ("x",)))
    if param.kind is Kind.TAGS:
        return st.sampled_from(("", "#seo"))
    return _texts_that_parse(param)


def hostile_argument(param: Param) -> st.SearchStrategy[str]:
    if param.kind is Kind.MEMBER:
        value = mention
    elif param.kind is Kind.MEMBERS:
        value = st.lists(mention, min_size=1, max_size=3).map(" ".join)
    elif param.kind is Kind.INT:
        value = st.one_of(st.sampled_from(("#1", "0", "-1", "9" * 25)), word)
    elif param.kind is Kind.TAGS:
        value = st.lists(word.map(lambda w: f"#{w}"), min_size=1, max_size=2).map(" ".join)
    elif param.kind is Kind.TEXT:
        value = st.one_of(one_line, _texts_that_parse(param))
    else:
        value = word
    return st.one_of(st.just(""), value) if param.optional else value


def _texts_that_parse(param: Param) -> st.SearchStrategy[str]:
    """Hostile text in the places where a real request would carry it, so some of it is stored."""
    if param.name == "details":
        return st.one_of(one_line.map(lambda t: f'"{t}" tomorrow 18:00'),
                         one_line.map(lambda t: f'"Run" tomorrow 18:00 place={t}'),
                         one_line.map(lambda t: f'"Run" tomorrow 18:00 about="{t}"'),
                         one_line.map(lambda t: f'title="{t}"'), one_line.map(lambda t: f"place={t}"))
    if param.name == "topics":  # only the community's tags can be followed
        return st.one_of(st.just("seo"), one_line.map(lambda t: f"seo {t}"))
    if param.name == "start":
        return st.sampled_from(("2026-12-14 19:00", "tomorrow 9am"))
    if param.name == "text":  # a welcome template
        return one_line.map(lambda t: f"Hi {{member}} {t}")
    if param.name == "value":
        return st.sampled_from(SETTING_KEYS).flatmap(lambda key: one_line.map(lambda t: f"{key} {t}"))
    return one_line.map(lambda t: f"thanks {t}")


def command_lines(spec: CommandSpec) -> st.SearchStrategy[str]:
    """One parameter hostile (or none), the others sensible; or an example of the command with hostile text added."""

    def line(hostile_at: int) -> st.SearchStrategy[str]:
        args = [hostile_argument(p) if n == hostile_at else sensible(p) for n, p in enumerate(spec.params)]
        return st.tuples(*args).map(lambda values: " ".join((spec.name, *values)))

    from_params = st.integers(-1, len(spec.params) - 1).flatmap(line)
    if spec.name == "settings":  # key and value are one line's two halves: write them as a person would
        from_params = st.one_of(from_params, _texts_that_parse(Param("value", Kind.TEXT, ""))
                                .map(lambda rest: f"settings {rest}"))
    # The examples name meetup #4 and kudos #12; this community's first ones are #1.
    examples = [re.sub(r"(?<=\s)(4|12)\b", "1", e.lstrip("/")) for e in spec.examples]
    if not examples:
        return from_params
    mutated = st.tuples(st.sampled_from(examples), one_line).map(lambda pair: f"{pair[0]} {pair[1]}")
    return st.one_of(from_params, mutated)


class Broken(AssertionError):
    pass


class Errors(logging.Handler):
    """Warnings and errors the bot logs: an outbox message that could not be sent, a command that crashed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_LIVE_MASS_MENTION = re.compile(r"@(everyone|here|channel)\b", re.IGNORECASE)  # Slack's <!…> is the adapter's
_SLACK_SPECIAL = re.compile(r"<!(?!date\^)")
_DISCORD_TIME = re.compile(r"<t:", re.IGNORECASE)


def reply_texts(reply: Reply) -> list[str]:
    texts = [reply.text, *(b.label for b in reply.buttons)]
    for section in reply.sections:
        texts += [section.text, *(f.name for f in section.fields), *(f.value for f in section.fields)]
    return texts


def check_renders(reply: Reply, *, may_show_times: bool) -> None:
    """The reply renders on every platform; nothing in it pings everyone or shows a time the user typed."""
    stamps = sum(text.count(STAMP_OPEN) for text in reply_texts(reply))
    if stamps and not may_show_times:
        raise Broken(f"a time stamp in a reply that shows no time: {reply!r}")
    printed = console_render(reply, "Europe/Berlin")
    if _LIVE_MASS_MENTION.search(printed):
        raise Broken(f"a live mass mention: {printed!r}")
    slack_texts = [m.text for m in slack_render(reply)]
    slack_texts += [str(b) for m in slack_render(reply) for b in m.blocks]
    if any(_SLACK_SPECIAL.search(text) for text in slack_texts):
        raise Broken(f"a Slack special mention: {slack_texts!r}")
    discord_texts = [m.content for m in discord_render(reply)]
    discord_texts += [str(e.to_dict()) for m in discord_render(reply) for e in m.embeds]
    if sum(len(_DISCORD_TIME.findall(text)) for text in discord_texts) > stamps:
        raise Broken(f"a Discord time the core did not write: {discord_texts!r}")


@dataclass
class Recorder:
    """The console's Outbound for the dispatcher: every message sent must render too."""

    problems: list[str] = field(default_factory=list)

    async def send(self, target, reply: Reply, *, key: str) -> None:
        try:
            check_renders(reply, may_show_times=True)
        except Exception as error:
            self.problems.append(f"sending {reply!r}: {error!r}")
            raise


READS = ("leaderboard", "leaderboard all given", "profile", "profile @mallory", "meetup list", "help", "settings",
         "welcome preview")


class Community:
    """One console community, driven at the core: alice owns it, mallory's display name changes every line."""

    def __init__(self, app, clock: FakeClock, recorder: Recorder, errors: Errors):
        self.app, self.clock, self.recorder, self.errors = app, clock, recorder, errors
        self.tables: list[str] = []
        self.history: list[tuple[str, str | None]] = []  # lines that were not refused, and who said them

    def person(self, user_id: str, name: str) -> Person:
        return Person(MemberRef(PLATFORM, WORKSPACE, user_id), name)

    async def say(self, line: str, *, as_name: str | None = None, mention_name: str | None = None) -> Reply:
        actor = self.person("mallory", as_name) if as_name is not None else self.person("alice", "alice")
        people = (self.person("carol", mention_name),) if mention_name is not None else ()
        place = Place(PLATFORM, WORKSPACE, "general", None, None, "Local community")
        self.errors.records.clear()
        self.recorder.problems.clear()
        try:
            reply = await self.app.core.handle(Invocation(actor, place, canonical_mentions(line), people))
            await self.app.dispatcher.run_due()
            if reply.text.startswith(ERROR_TEXT.split("(")[0]) or self.errors.records:
                raise Broken(f"failed: {[r.getMessage() for r in self.errors.records]} {self.recorder.problems}")
            check_renders(reply, may_show_times=line.startswith("meetup"))
        except Exception as error:
            # The community carries state from earlier examples: say which lines stored something.
            raise Broken(f"/{line} (said by {as_name!r}) broke, after {self.history[-8:]}") from error
        return reply

    async def pass_hours(self, hours: float) -> None:
        self.errors.records.clear()
        self.recorder.problems.clear()
        self.clock.advance(hours=hours)
        await self.app.dispatcher.run_due()
        if self.errors.records:
            raise Broken(f"sending what fell due failed: {[r.getMessage() for r in self.errors.records]} "
                         f"{self.recorder.problems}, after {self.history[-8:]}")

    async def row_counts(self) -> list[int]:
        """How many rows each table holds, in one query."""
        async with self.app.engine.connect() as connection:
            if not self.tables:
                self.tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            counts = union_all(*(select(literal(n), func.count()).select_from(table(t))
                                 for n, t in enumerate(self.tables)))
            return [count for _, count in sorted((await connection.execute(counts)).all())]


async def open_community(tmp_path, errors: Errors) -> Community:
    clock = FakeClock()
    app = await build(make_config(f"sqlite+aiosqlite:///{tmp_path}/hostile.db", zone="Europe/Berlin"), clock=clock)
    recorder = Recorder()
    app.outbound.add(PLATFORM, recorder)
    community = Community(app, clock, recorder, errors)
    for line in ("help", "kudos @carol thanks for the audit #seo",
                 'meetup create "Sunday run" sunday 18:00 repeat=weekly', "meetup rsvp 1 yes"):
        assert not (await community.say(line)).refused, line
    return community


@pytest.mark.parametrize("name", sorted(BOOK.specs))
def test_hostile_text_never_breaks_a_command_or_a_later_read(name, tmp_path):
    spec = BOOK.specs[name]
    errors = Errors()
    logging.getLogger("copbot").addHandler(errors)
    try:
        with asyncio.Runner() as runner:
            community = runner.run(open_community(tmp_path, errors))

            @settings(max_examples=EXAMPLES_PER_COMMAND, deadline=None, database=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
            @given(line=command_lines(spec), speaker=SPEAKERS, carol=st.one_of(st.none(), hostile))
            def one_line_then_reads(line: str, speaker: str | None, carol: str | None) -> None:
                runner.run(_line_then_reads(community, line, speaker, carol))

            one_line_then_reads()
            runner.run(community.app.close())
    finally:
        logging.getLogger("copbot").removeHandler(errors)


async def _line_then_reads(community: Community, line: str, speaker: str | None, carol: str | None) -> None:
    # Hours pass between lines, as in chat: daily kudos allowances refill, meetup reminders fall due and are sent.
    await community.pass_hours(5)
    before = await community.row_counts()
    reply = await community.say(line, as_name=speaker, mention_name=carol)
    event("refused" if reply.refused else "answered")  # pytest --hypothesis-show-statistics shows the mix
    if reply.refused:
        assert await community.row_counts() == before, f"/{line} was refused but stored something"
        return
    community.history.append((line, speaker))
    for read in READS:
        await community.say(read)
