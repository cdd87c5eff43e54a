"""Every feature the core runs, in one list: the composition root and tests start from here."""

from __future__ import annotations

from bot.context import Feature
from bot.features import activity, kudos, leaderboard, linking, members, topics, welcome
from bot.features.digest import feature as digest
from bot.features.meetups import feature as meetups
from bot.features.questions import feature as questions
from bot.settings import compose_settings


def all_features() -> list[Feature]:
    return [
        kudos.FEATURE,
        leaderboard.FEATURE,
        members.FEATURE,
        welcome.FEATURE,
        meetups.FEATURE,
        activity.FEATURE,
        digest.FEATURE,
        linking.FEATURE,
        topics.FEATURE,
        questions.FEATURE,
    ]


# Every feature's settings section as the one flat model a community holds (and the store reads back).
CommunitySettings = compose_settings(f.settings for f in all_features())
