"""[discord] shard_count and shard_ids: checked before anything starts, one line naming the key and what is allowed."""

from __future__ import annotations

import pytest

from adapters.app.config import ConfigError, load


def config_file(tmp_path, discord: str):
    path = tmp_path / "copbot.toml"
    path.write_text(f"[discord]\nenabled = true\n{discord}\n")
    return path


@pytest.mark.parametrize(("discord", "expected"), [
    ("shard_ids = [0, 1]", "shard_ids needs shard_count"),
    ("shard_ids = [0, 4]\nshard_count = 4", "shard_ids: 4 is not a shard of shard_count = 4"),
    ("shard_ids = [-1]\nshard_count = 4", "shard_ids: -1 is not a shard"),
    ("shard_ids = [1, 1]\nshard_count = 4", "listed twice"),
    ("shard_ids = []\nshard_count = 4", "discord.shard_ids: List should have at least 1 item"),
    ("shard_count = 0", "discord.shard_count: Input should be greater than or equal to 1"),
    ("shards = 2", "discord.shards: unknown key; allowed here:"),
])
def test_bad_shard_settings_are_one_line_naming_the_key(tmp_path, discord, expected):
    path = config_file(tmp_path, discord)
    with pytest.raises(ConfigError) as refused:
        load(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: ") and expected in message and "\n" not in message


@pytest.mark.parametrize(("discord", "ids", "count"), [
    ("shard_ids = [0, 1]\nshard_count = 4", [0, 1], 4),
    ("shard_ids = [3]\nshard_count = 4", [3], 4),  # the last shard: ids run up to count - 1
    ("shard_count = 2", None, 2),  # every shard in this one process
    ("", None, None),  # not sharded: a plain client
])
def test_good_shard_settings_are_kept(tmp_path, discord, ids, count):
    config = load(config_file(tmp_path, discord))
    assert (config.discord.shard_ids, config.discord.shard_count) == (ids, count)
