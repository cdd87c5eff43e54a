"""A Slack display name holding time markup or a mass mention is shown as typed, inert, and breaks no later read."""

from __future__ import annotations

import json

from bot.core import ERROR_TEXT
from tests.adapters.slack.rig import SlackRig

NAME = "Eve [[t:99999999999999:F]] [[t:0:F]] <!channel>"


def shown(ack: dict) -> str:
    return ack.get("text", "") + json.dumps(ack.get("blocks", []))


async def test_a_hostile_display_name_is_text_in_every_read(rig: SlackRig):
    rig.fake.add_user("U0EVE", "eve", display_name=NAME)
    given = await rig.command("/kudos", "<@U0BOB|bob> thanks", user_id="U0EVE", user_name="eve")
    assert given["response_type"] == "in_channel"
    reads = (("/leaderboard", "all given", {}), ("/profile", "<@U0EVE|eve>", {}),
             ("/profile", "", {"user_id": "U0EVE", "user_name": "eve"}))
    for command, text, who in reads:
        out = shown(await rig.command(command, text, **who))
        assert ERROR_TEXT.split("(")[0] not in out, out
        assert "[[t:99999999999999:F]]" in out and "<!date" not in out and "<!channel>" not in out
        assert "1970" not in out  # [[t:0:F]] is not a time either
