"""The /meetup create form: its answers spell the typed line, which the one parser reads."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.errors import Refusal
from bot.features.meetups.feature import COMMANDS
from bot.features.meetups.form import CREATE_FORM, create_line
from bot.features.meetups.syntax import Details, parse_details

CREATE = next(spec for spec in COMMANDS if spec.name == "meetup create")


def read(answers: dict) -> Details:
    line = CREATE_FORM.line("meetup create", answers)
    assert line.startswith("meetup create ")
    return parse_details(line.removeprefix("meetup create "), creating=True)


def test_every_answer_round_trips_through_the_parser():
    details = read({"title": "Sunday run", "start": "next sunday 18:00", "repeat": "monthly on the first tuesday",
                    "place": "Café Central, Vienna",
                    "details": "duration=1h30m capacity=12 zone=Europe/Vienna about=5k, all paces"})
    assert details == Details(title="Sunday run", start="next sunday 18:00", repeat="monthly on the first tuesday",
                              duration=timedelta(minutes=90), place="Café Central, Vienna", capacity=12,
                              zone="Europe/Vienna", about="5k, all paces")


def test_optional_answers_may_be_empty_and_plain_details_are_the_description():
    assert read({"title": "Clinic", "start": "tomorrow 9am", "repeat": " ", "place": None}) == Details(
        title="Clinic", start="tomorrow 9am")
    assert read({"title": "Clinic", "start": "tomorrow 9am", "details": "Bring a laptop\nand questions capacity=5"}) \
        == Details(title="Clinic", start="tomorrow 9am", about="Bring a laptop\nand questions", capacity=5)


@pytest.mark.parametrize("title", ['Say "hi"', "Ann's “quiz”", "Ann's \"quiz\" ‘night’"])
def test_a_title_with_quotes_stays_whole(title):
    assert read({"title": title, "start": "tomorrow 9am"}).title == title


def test_a_title_with_every_kind_of_quote_is_given_as_an_option():
    details = read({"title": "The 'a' \"b\" ‘c’ “d” quiz", "start": "tomorrow 9am"})
    assert details.title == "The 'a' \"b\" ‘c’ “d” quiz" and details.start == "tomorrow 9am"


def test_a_missing_title_or_start_is_blamed_on_its_field():
    with pytest.raises(Refusal) as missing:
        read({"start": "tomorrow 9am"})
    assert missing.value.field == "title"
    with pytest.raises(Refusal) as no_start:
        read({"title": "Clinic"})
    assert no_start.value.field == "start"
    with pytest.raises(Refusal) as bad:
        read({"title": "Clinic", "start": "tomorrow 9am", "details": "duration=3 days"})
    assert CREATE_FORM.field_for(bad.value.field) == "details"


def test_the_command_declares_the_form_within_discords_five_fields():
    assert CREATE.declared_form is CREATE_FORM and CREATE.opens_form
    assert len(CREATE_FORM.fields) <= 5
    assert [f.name for f in CREATE_FORM.fields if f.required] == ["title", "start"]
    assert create_line({"title": "X", "start": "today 18:30"}) == '"X" today 18:30'


async def test_start_and_repeat_suggestions_come_from_the_documented_forms():
    start, repeat = CREATE.suggester("start"), CREATE.suggester("repeat")
    assert [s.value for s in await start(None, "tomorrow")] == ["tomorrow 9am"]
    assert [s.value for s in await start(None, "18:00")][:2] == ["2026-12-03 18:00", "2026-12-03T18:00"]
    assert [s.value for s in await repeat(None, "EVERY")] == ["every 2 weeks"]
    assert CREATE.suggester("title") is None
