"""Every renderer (console, Slack, Discord) shows time markup a person typed as text, shows the core's own times,
and never raises on what is stored, even a stamp no calendar can show."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.console.render import render as console_render
from adapters.discord.render import render as discord_render
from adapters.slack.render import render as slack_render
from adapters.slack.text import from_slack
from bot.reply import STAMP_CLOSE, STAMP_OPEN, UNKNOWN_TIME, Field, Reply, Section, stamp
from bot.text import clean_name, clean_text

TYPED = ("[[t:99999999999999:F]]", "[[t:0:F]]", "<t:0:F>", "<t:99999999999999:R>", "<!date^0^{date}|1970>")


def console_text(reply: Reply) -> str:
    return console_render(reply, "Europe/Berlin")


def slack_text(reply: Reply) -> str:
    return "\n".join(str(m.blocks) + m.text for m in slack_render(reply))


def discord_text(reply: Reply) -> str:
    return "\n".join(m.content + "".join(str(e.to_dict()) for e in m.embeds) for m in discord_render(reply))


# (renderer, what one rendered time of the core looks like on that platform)
RENDERERS = [(console_text, "2026"), (slack_text, "<!date^"), (discord_text, "<t:")]


def reply_holding(text: str) -> Reply:
    return Reply.public(f"kudos: {text}", sections=(Section(f"about {text}", (Field(text, text),)),))


def as_reason(text: str) -> str:
    return clean_text(text, what="a reason", max_len=500)


@pytest.mark.parametrize("clean", [as_reason, clean_name])
@pytest.mark.parametrize("typed", TYPED)
@pytest.mark.parametrize("renderer, time_mark", RENDERERS)
async def test_time_markup_someone_typed_is_never_a_time(renderer, time_mark, typed, clean):
    # Even the core's own frame characters, typed, are dropped on the way in.
    out = renderer(reply_holding(clean(f"evil {typed} {STAMP_OPEN}t:0:F{STAMP_CLOSE}")))
    assert time_mark not in out
    assert "1970" not in out or "1970" in typed  # shown only as the characters typed
    if renderer is console_text:
        assert typed in out


@pytest.mark.parametrize("renderer, time_mark", RENDERERS)
async def test_the_cores_own_times_still_render(renderer, time_mark):
    out = renderer(Reply.public(f"Meetup {stamp(datetime(2026, 12, 6, 17, 0, tzinfo=UTC))}"))
    assert time_mark in out and STAMP_OPEN not in out


@pytest.mark.parametrize("stored", [f"{STAMP_OPEN}t:99999999999999:F{STAMP_CLOSE}",
                                    f"{STAMP_OPEN}t:-99999999999999:R{STAMP_CLOSE}",
                                    f"{STAMP_OPEN}t:{'9' * 5000}:F{STAMP_CLOSE}",
                                    stamp(datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "Q")])
@pytest.mark.parametrize("renderer, _mark", RENDERERS)
async def test_a_stamp_no_calendar_can_show_never_breaks_rendering(renderer, _mark, stored):
    out = renderer(reply_holding(stored))
    assert STAMP_OPEN not in out and STAMP_CLOSE not in out
    if renderer is console_text:  # 31 Dec 9999 23:59 UTC is past the end of the calendar in Berlin
        assert UNKNOWN_TIME in out


def test_a_mass_mention_cut_short_inside_a_mention_is_defused():
    # Slack's `<@U1|<!channel>>`: the adapter decodes the special mention, so the name the core reads is "@channel",
    # which it defuses wherever it is repeated.
    decoded = from_slack("<@U1|<!channel>>")
    assert "<!" not in decoded and "@channel" in decoded
    assert "@channel" not in clean_name(decoded).lower()
