"""Reply -> Discord messages: limits, stamps, buttons, the allowed mentions on every message."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.discord.outbound import nonce
from adapters.discord.render import CONTENT_MAX, MAX_MESSAGES, TRUNCATED, render, split_text
from bot.reply import Attachment, Button, Field, Reply, Section, TimeStyle, stamp


def test_stamps_become_viewer_local_discord_times():
    moment = datetime(2025, 3, 30, 16, 0, tzinfo=UTC)
    [message] = render(Reply.public(f"Meetup {stamp(moment)} ({stamp(moment, TimeStyle.RELATIVE)})"))
    assert message.content == f"Meetup <t:{int(moment.timestamp())}:F> (<t:{int(moment.timestamp())}:R>)"


def test_every_message_pings_nobody_and_buttons_carry_their_command():
    buttons = (Button("Going", "meetup rsvp 12 yes", "primary"), Button("x" * 200, "y" * 200))
    [message] = render(Reply.public("hi @\u200beveryone", buttons=buttons,
                                    attachments=(Attachment("m.ics", b"BEGIN:VCALENDAR"),)))
    kwargs = message.kwargs()
    assert kwargs["allowed_mentions"].to_dict() == {"parse": []}
    [button] = message.view.children  # the second one's command is longer than a custom id allows
    assert button.item.custom_id == "copbot:meetup rsvp 12 yes" and button.item.label == "Going"
    assert [f.filename for f in kwargs["files"]] == ["m.ics"]


def test_a_reply_too_long_for_five_messages_is_cut_with_a_note():
    messages = render(Reply.public("y" * (CONTENT_MAX * 8),
                                   sections=(Section("s", tuple(Field(str(i), "v" * 1500) for i in range(30))),)))
    assert len(messages) == MAX_MESSAGES
    assert all(len(m.content) <= CONTENT_MAX for m in messages)
    assert messages[-1].content.endswith(TRUNCATED)


def test_split_text_keeps_lines_whole_when_it_can():
    chunks = split_text("\n".join(["a" * 1500, "b" * 1500, "c" * 4500]))
    assert [len(c) for c in chunks] == [1500, 1500, 2000, 2000, 500]


def test_nonces_fit_discords_25_characters_and_are_stable():
    assert nonce("outbox-42") == "outbox-42" and nonce("outbox-42", 1) == "outbox-42.1"
    long = nonce("outbox-1234567890123456789-fallback")
    assert len(long) <= 25 and long == nonce("outbox-1234567890123456789-fallback")
