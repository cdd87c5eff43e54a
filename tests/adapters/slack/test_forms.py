"""Declared forms on Slack: `/meetup create` typed bare opens a modal with the meetup's fields; its submission
runs the typed line the fields spell; a refusal about one field stays in the modal next to it."""

from __future__ import annotations

import json

from tests.adapters.slack.rig import OWNER_ID, SlackRig
from tests.fakes import slack_payloads as sp


async def open_create_form(rig: SlackRig) -> dict:
    ack = await rig.command("/meetup", "create", user_id=OWNER_ID, user_name="olga",
                            response_url=rig.fake.response_url("create"))
    assert ack == {}
    return rig.fake.calls_to("views.open")[-1].params["view"]


def submission(view: dict, **answers: str) -> dict:
    return sp.view_submission(view["callback_id"], {name: {"value": text} for name, text in answers.items()},
                              private_metadata=view["private_metadata"], user=OWNER_ID, user_name="olga")


async def test_a_bare_meetup_create_opens_the_declared_fields(rig: SlackRig):
    view = await open_create_form(rig)
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert list(blocks) == ["title", "start", "repeat", "place", "details"]
    assert [b["optional"] for b in blocks.values()] == [False, False, True, True, True]
    assert blocks["start"]["element"]["placeholder"]["text"] == "next thursday 18:00"
    assert blocks["start"]["label"]["text"] == "Start"
    assert blocks["details"]["element"]["multiline"] is True and blocks["title"]["element"]["multiline"] is False
    assert all(b["element"]["type"] == "plain_text_input" for b in blocks.values())


async def test_submitting_the_form_creates_the_meetup(rig: SlackRig):
    view = await open_create_form(rig)
    payload = submission(view, title="Sunday run", start="tomorrow 18:00", repeat="weekly", place="#running",
                         details="duration=90m capacity=12 about=Bring water")
    assert await rig.interact(payload) == (200, "")
    answer = await rig.fake.wait_for_response("create")
    assert answer["response_type"] == "in_channel" and "New meetup #1: Sunday run" in answer["text"]
    shown = json.dumps(answer["blocks"])
    assert "Bring water" in shown and "#running" in shown and "90 minutes" in shown and "weekly on" in shown
    listing = await rig.command("/meetup", "list")
    assert "#1 Sunday run" in listing["text"] + json.dumps(listing.get("blocks", []))


async def test_plain_details_are_the_description(rig: SlackRig):
    view = await open_create_form(rig)
    assert await rig.interact(submission(view, title="Clinic", start="tomorrow 9am", details="Bring a laptop")) \
        == (200, "")
    answer = await rig.fake.wait_for_response("create")
    assert "New meetup #1: Clinic" in answer["text"] and "Bring a laptop" in json.dumps(answer["blocks"])


async def test_a_bad_start_comes_back_next_to_the_start_field_and_creates_nothing(rig: SlackRig):
    view = await open_create_form(rig)
    status, body = await rig.interact(submission(view, title="Bad", start="2027-02-30 18:00"))
    assert status == 200
    assert json.loads(body) == {"response_action": "errors", "errors": {"start": "There is no 30 February."}}
    status, body = await rig.interact(submission(view, title="Full", start="tomorrow 18:00", details="capacity=0"))
    assert json.loads(body)["errors"] == {
        "details": "Capacity must be at least 1 seat; leave it out (or say capacity=none) for no limit."}
    status, body = await rig.interact(submission(view, title="Odd", start="tomorrow 18:00", repeat="sometimes"))
    assert list(json.loads(body)["errors"]) == ["repeat"]
    assert rig.fake.responses["create"] == []
    listing = await rig.command("/meetup", "list")
    assert "#1" not in listing["text"]


async def test_a_refusal_about_no_field_closes_the_form_and_is_said_privately(rig: SlackRig):
    view = await open_create_form(rig)
    payload = submission(view, title="Mine", start="tomorrow 18:00")
    payload["user"]["id"] = "U0MEMBER"  # not a champion
    assert await rig.interact(payload) == (200, "")
    answer = await rig.fake.wait_for_response("create")
    assert answer["response_type"] == "ephemeral" and "Only a champion" in answer["text"]
