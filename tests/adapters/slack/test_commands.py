"""Slash commands through copbot's Slack adapter: signed form bodies in, acknowledgements with rendered replies."""

from __future__ import annotations

import asyncio
import json

from bot.commands import Kind
from bot.core import ERROR_TEXT
from tests.adapters.slack.rig import OWNER_ID, SlackRig
from tests.fakes import slack_payloads as sp

BOB = "<@U0BOB|bob>"
ERROR_START = ERROR_TEXT.split("(")[0].strip()


def sample_text(spec) -> str:
    """Arguments for any declared command, built from its parameters (so new commands are covered too)."""
    words = []
    for param in spec.params:
        if param.optional:
            continue
        words.append({Kind.MEMBER: BOB, Kind.MEMBERS: BOB, Kind.TEXT: "thanks for the audit", Kind.INT: "1",
                      Kind.WORD: "Europe/Berlin", Kind.CHOICE: param.choices[0] if param.choices else "x",
                      Kind.TAGS: "#seo"}[param.kind])
    return " ".join(words)


def seen_text(ack: dict) -> str:
    return ack.get("text", "") + json.dumps(ack.get("blocks", []))


async def test_every_declared_command_reaches_the_core_and_is_acknowledged_with_its_reply(rig: SlackRig):
    assert rig.core.book.specs, "no commands declared?"
    for name, spec in rig.core.book.specs.items():
        text = " ".join(filter(None, [spec.sub, sample_text(spec)]))
        ack = await rig.command(f"/{spec.group}", text, user_id=OWNER_ID, user_name="olga")
        shown = seen_text(ack)
        assert ack.get("response_type") in ("in_channel", "ephemeral"), (name, ack)
        assert ERROR_START not in shown and "I don't know the command" not in shown, (name, shown)
        assert "Usage" not in shown, (name, shown)  # the adapter passed the arguments as typed


async def test_kudos_is_acknowledged_in_channel_and_help_only_to_the_asker(rig: SlackRig):
    ack = await rig.command("/kudos", f"{BOB} thanks for the audit <#C0SEO|seo>")
    assert ack["response_type"] == "in_channel"
    assert "gave kudos to bob: thanks for the audit #seo" in ack["text"]
    assert ack["blocks"][0]["type"] == "section"
    help_ack = await rig.command("/help")
    assert help_ack["response_type"] == "ephemeral" and "/kudos" in seen_text(help_ack)
    undo = await rig.command("/kudos", "undo")
    assert undo["response_type"] == "ephemeral" and "Undone" in undo["text"]


async def test_the_actor_comes_from_users_info_with_zone_and_workspace_role(rig: SlackRig):
    rig.fake.add_user("U0ADMIN", "ada", display_name="Ada L", tz="Europe/Berlin", is_admin=True)
    ack = await rig.command("/settings", "", user_id="U0ADMIN", user_name="ada")  # managers only
    assert "Settings of Test community" in ack["text"]
    ack = await rig.command("/profile", "", user_id="U0ADMIN", user_name="ada")
    assert "Profile of Ada L" in ack["text"]
    await rig.command("/profile", "", user_id="U0ADMIN", user_name="ada")
    assert len(rig.fake.calls_to("users.info")) == 1  # cached briefly


async def test_a_mass_mention_in_a_kudos_reason_never_pings(rig: SlackRig):
    ack = await rig.command("/kudos", f"{BOB} thanks <!channel> and <!here|here> and @everyone &lt;!here&gt;")
    shown = seen_text(ack)
    assert "gave kudos to bob" in shown
    for live in ("<!channel>", "<!here", "<!everyone>", "@everyone", "@here", "@channel"):
        assert live not in shown, live


async def test_a_kudos_to_the_bot_is_refused_because_users_info_says_it_is_a_bot(rig: SlackRig):
    rig.fake.add_user("U0ROBOT", "robot", is_bot=True)
    ack = await rig.command("/kudos", "<@U0ROBOT|robot> beep")
    assert ack["response_type"] == "ephemeral" and "is a bot" in ack["text"]


async def test_a_reply_longer_than_one_message_is_split_across_the_ack_and_the_response_url(make_rig):
    from dataclasses import dataclass

    from bot.commands import CommandSpec
    from bot.reply import Field, Reply, Section

    @dataclass(frozen=True)
    class Dump:
        pass

    async def dump(cmd, ctx):
        fields = tuple(Field(f"row {n}", "x" * 50) for n in range(3000))
        return Reply.public("a long one " + "word " * 1000, sections=(Section("", fields),))

    rig = await make_rig(extra_specs=(CommandSpec("dump", "A very long reply", Dump, dump),))
    ack = await rig.command("/dump", "", response_url=rig.fake.response_url("dump"))
    assert len(ack["blocks"]) == 50 and ack["response_type"] == "in_channel"
    assert all(len(b["text"]["text"]) <= 3000 for b in ack["blocks"] if "text" in b)
    rest = [await rig.fake.wait_for_response("dump", n) for n in (1, 2, 3, 4)]
    assert all(len(r["blocks"]) <= 50 for r in rest)
    assert "were cut" in json.dumps(rest[-1]["blocks"][-1])  # 3,000 fields do not fit five messages: said so


async def test_a_form_command_typed_bare_opens_a_modal_and_its_submission_runs_the_command(make_rig):
    from dataclasses import dataclass

    from bot.commands import CommandSpec, Param
    from bot.reply import Reply

    @dataclass(frozen=True)
    class Nominate:
        who: list
        why: str
        tags: list

    async def nominate(cmd, ctx):
        return Reply.public(f"{ctx.member.name} nominated {', '.join(m.name for m in cmd.who)}: {cmd.why}"
                            f" {' '.join(cmd.tags)}")

    spec = CommandSpec("nominate", "Nominate someone", Nominate, nominate, form=True,
                       params=(Param("who", Kind.MEMBERS, "who", max_items=3), Param("why", Kind.TEXT, "why"),
                               Param("tags", Kind.TAGS, "tags", optional=True)))
    rig = await make_rig(extra_specs=(spec,))
    rig.fake.add_user("U0BOB", "bob", display_name="Bob")
    ack = await rig.command("/nominate", "", response_url=rig.fake.response_url("nominate"))
    assert ack == {}
    view = rig.fake.calls_to("views.open")[0].params["view"]
    assert [b["block_id"] for b in view["blocks"]] == ["who", "why", "tags"]
    assert view["blocks"][0]["element"]["type"] == "multi_users_select"

    payload = sp.view_submission(view["callback_id"], {
        "who": {"value": {"type": "multi_users_select", "selected_users": ["U0BOB"]}},
        "why": {"value": "the <!channel> audit"}, "tags": {"value": "seo #tech"},
    }, private_metadata=view["private_metadata"])
    assert await rig.interact(payload) == (200, "")
    answer = await rig.fake.wait_for_response("nominate")
    assert answer["text"] == "alice nominated Bob: the @\u200bchannel audit seo tech"
    assert answer["response_type"] == "in_channel"


async def test_a_button_press_runs_its_command_as_the_presser_and_answers_through_the_response_url(rig: SlackRig):
    await rig.command("/kudos", f"{BOB} thanks")
    payload = sp.block_actions("copbot.run.0", "kudos undo", response_url=rig.fake.response_url("press"))
    assert await rig.interact(payload) == (200, "")
    answer = await rig.fake.wait_for_response("press")
    assert answer["response_type"] == "ephemeral" and answer["text"].startswith("Undone: your kudos to bob")


async def test_commands_run_concurrently_without_losing_any(rig: SlackRig):
    acks = await asyncio.wait_for(asyncio.gather(*(
        rig.command("/kudos", f"<@U0P{n}|p{n}> thanks", user_id=f"U0G{n}", user_name=f"g{n}") for n in range(20))),
        10)
    assert all(a["response_type"] == "in_channel" for a in acks)
    numbers = sorted(int(a["text"].rsplit("#", 1)[1].rstrip(")")) for a in acks)
    assert numbers == list(range(1, 21))


async def test_a_form_value_the_line_cannot_carry_comes_back_next_to_its_input_and_runs_nothing(make_rig):
    from dataclasses import dataclass

    from bot.commands import CommandSpec, Param
    from bot.reply import Reply

    runs: list[str] = []

    @dataclass(frozen=True)
    class Label:
        word: str
        note: str

    async def label(cmd, ctx):
        runs.append(cmd.word)
        return Reply.public("labelled")

    spec = CommandSpec("label", "Label", Label, label, form=True,
                       params=(Param("word", Kind.WORD, "a label"), Param("note", Kind.TEXT, "a note")))
    rig = await make_rig(extra_specs=(spec,))
    await rig.command("/label", "", response_url=rig.fake.response_url("label"))
    view = rig.fake.calls_to("views.open")[0].params["view"]
    status, body = await rig.interact(sp.view_submission(view["callback_id"], {
        "word": {"value": "two words"}, "note": {"value": "n"}}, private_metadata=view["private_metadata"]))
    assert status == 200 and list(json.loads(body)["errors"]) == ["word"]
    assert await rig.interact(sp.view_submission(view["callback_id"], {
        "word": {"value": "one"}, "note": {"value": "two words"}}, private_metadata=view["private_metadata"])) \
        == (200, "")
    await rig.fake.wait_for_response("label")
    assert runs == ["one"]
