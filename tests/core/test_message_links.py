"""Message links in reply text: only the core makes them, and text that was never rendered shows the label."""

from __future__ import annotations

from bot.identity import Place, Posted
from bot.reply import Reply, Topic, message_link, message_links, render_links, render_stamps
from bot.text import clean_name, clean_text


def test_typed_text_can_never_form_a_link():
    forged = "\x02l\x1fslack\x1fT\x1fC\x1f1.2\x1f\x1fclick\x03"
    assert message_links(forged) != []  # the raw frame would be one...
    for cleaned in (clean_text(forged, what="a reason", max_len=200), clean_name(forged)):
        assert message_links(cleaned) == [] and "\x1f" not in cleaned  # ...but what people type loses it


def test_a_link_names_its_message_and_a_label_cannot_break_out():
    text = message_link(Place("slack", "T", "C", "1.2", "1.0"), "a\x03b\x1fc @here")
    [link] = message_links(f"x {text} y")
    assert (link.platform, link.workspace_id, link.channel_id, link.message_id, link.thread_id) == (
        "slack", "T", "C", "1.2", "1.0")
    assert link.label == "abc @\u200bhere"
    assert message_link(Place("slack", "T", "C"), "no message") == "no message"  # nothing to link to
    assert render_links(message_link(Posted("discord", "G", "C", "M"), "L"), lambda found: found.message_id) == "M"


def test_a_link_no_adapter_rendered_shows_its_label_only():
    text = f"see {message_link(Posted('discord', 'G', 'C', 'M'), 'the answer')}."
    assert render_stamps(text, lambda moment, style: "") == "see the answer."


def test_a_topic_survives_the_outbox():
    reply = Reply.public("details", topic=Topic("How do I tag?", ("seo", "python")))
    assert Reply.from_json(reply.to_json()).topic == reply.topic
    assert "topic" not in Reply.public("plain").to_json() and Reply.from_json(Reply.public("p").to_json()).topic is None
