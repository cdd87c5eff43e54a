"""Block Kit rendering limits and the app manifest, without a network."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import yaml

from adapters.app.config import SlackConfig
from adapters.slack.manifest import declared_commands, manifest
from adapters.slack.render import MAX_BLOCKS, escape, render, split_text
from bot.reply import Button, Field, Reply, Section, TimeStyle, stamp


def test_core_text_is_escaped_and_stamps_become_viewer_local_dates():
    when = datetime(2025, 3, 30, 16, 0, tzinfo=UTC)
    [message] = render(Reply.public(f"<!here> & <b> meetup at {stamp(when, TimeStyle.DATETIME)}"))
    text = message.blocks[0]["text"]["text"]
    assert text == ("&lt;!here&gt; &amp; &lt;b&gt; meetup at "
                    "<!date^1743350400^{date_short_pretty} at {time}|2025-03-30 16:00 UTC>")
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_sections_fields_and_buttons_keep_within_slacks_limits():
    fields = tuple(Field(f"f{n}", "v" * 2500) for n in range(25))
    buttons = tuple(Button("L" * 100, f"meetup rsvp {n} yes", "primary") for n in range(30))
    [message] = render(Reply.public("x", sections=(Section("s", fields),), buttons=buttons))
    field_blocks = [b for b in message.blocks if "fields" in b]
    assert [len(b["fields"]) for b in field_blocks] == [10, 10, 5]
    assert all(len(f["text"]) <= 2000 for b in field_blocks for f in b["fields"])
    actions = [b for b in message.blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    first = actions[0]["elements"][0]
    assert first["value"] == "meetup rsvp 0 yes" and len(first["text"]["text"]) == 75 and first["style"] == "primary"


def test_long_text_is_split_at_line_breaks_and_never_inside_a_date():
    text = ("line\n" * 700) + " ".join(["<!date^1^{time}|fallback text here>"] * 200)
    pieces = split_text(text, 3000)
    assert all(len(p) <= 3000 for p in pieces)
    assert all(p.count("<") == p.count(">") for p in pieces)
    messages = render(Reply.public("word " * 40_000))
    assert len(messages) == 2 and all(len(m.blocks) <= MAX_BLOCKS for m in messages)


def test_the_manifest_lists_every_command_group_escaped_and_the_scopes_events_and_mode():
    book = declared_commands()
    socket = manifest(book, SlackConfig(mode="socket"))
    commands = {c["command"]: c for c in socket["features"]["slash_commands"]}
    assert set(commands) == {f"/{spec.group}" for spec in book.specs.values()}
    for spec in book.specs.values():
        entry = commands[f"/{spec.group}"]
        assert entry["should_escape"] is True and "url" not in entry
        assert spec.sub is None or spec.sub in entry["usage_hint"]
    assert socket["settings"]["socket_mode_enabled"] is True
    assert {"files:write", "commands", "chat:write", "users:read", "reactions:read"} <= set(
        socket["oauth_config"]["scopes"]["bot"])
    assert "reaction_added" in socket["settings"]["event_subscriptions"]["bot_events"]

    http = manifest(book, SlackConfig(mode="http", path="/slack/events"), public_url="https://bot.example.org/")
    assert http["settings"]["socket_mode_enabled"] is False
    assert http["settings"]["interactivity"]["request_url"] == "https://bot.example.org/slack/events"
    assert all(c["url"] == "https://bot.example.org/slack/events" for c in http["features"]["slash_commands"])


def test_copbot_slack_manifest_prints_yaml_with_every_command(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[slack]\nenabled = true\nmode = "http"\n')
    out = subprocess.run([sys.executable, "-m", "adapters.app.cli", "slack", "manifest", "--config", str(config), "--url",
                          "https://bot.example.org"], capture_output=True, text=True, timeout=30, check=True)
    data = yaml.safe_load(out.stdout)
    listed = {c["command"] for c in data["features"]["slash_commands"]}
    assert listed == {f"/{spec.group}" for spec in declared_commands().specs.values()}
    assert data["settings"]["socket_mode_enabled"] is False
