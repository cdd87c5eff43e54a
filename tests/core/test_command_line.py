"""CommandSpec.line: values typed into a form or a platform's options become the line the parser reads,
the same way for Slack forms, Discord options and Discord modals."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.commands import CommandSpec, Form, FormField, Kind, Mention, Param, parse_args
from bot.errors import Refusal


@dataclass(frozen=True)
class Args:
    pass


KUDOS = CommandSpec("kudos", "k", Args, None, params=(
    Param("receivers", Kind.MEMBERS, "who", max_items=3), Param("reason", Kind.TEXT, "why"),
    Param("tags", Kind.TAGS, "tags", optional=True)))
SETTINGS = CommandSpec("settings", "s", Args, None, params=(
    Param("key", Kind.WORD, "a setting", optional=True), Param("value", Kind.TEXT, "a value", optional=True)))
RSVP = CommandSpec("meetup rsvp", "r", Args, None, params=(
    Param("meetup_id", Kind.INT, "the meetup number"), Param("answer", Kind.CHOICE, "yes or no", choices=("yes", "no")),
    Param("day", Kind.WORD, "a date", optional=True)))


def parsed(spec: CommandSpec, line: str) -> dict:
    assert line.startswith(spec.name + " ") or line == spec.name
    return parse_args(spec, line[len(spec.name):])


def test_picked_members_become_mentions_the_parser_reads_back_once_each():
    line = KUDOS.line({"receivers": [Mention("U2"), Mention("U3"), Mention("U2")], "reason": "great talk"})
    assert line == "kudos <@U2> <@U3> great talk"
    assert parsed(KUDOS, line)["receivers"] == [Mention("U2"), Mention("U3")]


def test_a_text_with_spaces_stays_whole_and_tags_go_last_in_any_spelling():
    line = KUDOS.line({"reason": "thanks for the audit", "receivers": Mention("1"), "tags": " #seo, tech,,#a "})
    args = parsed(KUDOS, line)
    assert args["reason"] == "thanks for the audit" and args["tags"] == ["seo", "tech", "a"]
    assert KUDOS.line({"receivers": [Mention("1")], "reason": "x", "tags": ["#seo", "tech"]}).endswith("x #seo #tech")


def test_members_typed_as_text_are_passed_for_the_parser_to_judge():
    assert KUDOS.line({"receivers": "@bob", "reason": "hi"}) == "kudos @bob hi"


def test_numbers_and_choices_are_single_tokens():
    line = RSVP.line({"meetup_id": 12, "answer": "yes", "day": "2026-03-29"})
    assert parsed(RSVP, line) == {"meetup_id": 12, "answer": "yes", "day": "2026-03-29"}


def test_absent_or_blank_optional_values_leave_no_gap():
    assert SETTINGS.line({"key": None, "value": "  "}) == "settings"
    assert SETTINGS.line({}) == "settings"
    assert RSVP.line({"meetup_id": 3, "answer": "no", "day": ""}) == "meetup rsvp 3 no"
    assert KUDOS.line({"receivers": [], "reason": "x", "tags": None}) == "kudos x"


def test_a_one_word_value_with_spaces_is_refused_not_read_as_the_next_parameter():
    with pytest.raises(Refusal) as refused:
        SETTINGS.line({"key": "kudos daily", "value": "5"})
    assert refused.value.field == "key"
    assert parsed(SETTINGS, SETTINGS.line({"key": "kudos_daily", "value": "5 a day"})) == {
        "key": "kudos_daily", "value": "5 a day"}


def test_a_declared_form_builds_its_line_from_its_fields():
    form = Form((FormField("title", "Title"), FormField("place", "Where", required=False)),
                to_line=lambda a: f"{a['title']} | {a['place'] or '-'}")
    spec = CommandSpec("meetup create", "c", Args, None, form=form)
    assert spec.line({"title": " Run ", "place": None}) == "meetup create Run | -"
