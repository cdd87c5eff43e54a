"""Every feature the core runs, in one list: the composition root and tests start from here."""

from __future__ import annotations

from bot.context import Feature
from bot.features import kudos, leaderboard, members, welcome
from bot.features.meetups import feature as meetups


def all_features() -> list[Feature]:
    return [kudos.FEATURE, leaderboard.FEATURE, members.FEATURE, welcome.FEATURE, meetups.FEATURE]
