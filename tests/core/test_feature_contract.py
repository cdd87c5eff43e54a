"""Every feature states what it brings, and the parts assembled from the catalog (settings, erasure, the unit
of work) work for any feature. Import-linter (tests/test_architecture.py) checks that the core names none."""

from __future__ import annotations

import inspect
from datetime import timedelta

import pytest
from pydantic import Field

from bot.context import UNDECLARED
from bot.features.catalog import CommunitySettings, all_features
from bot.settings import Settings, compose_settings
from storage.repositories.registry import FEATURE_REPOSITORIES

FEATURES = all_features()


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.name)
def test_every_feature_declares_settings_an_erase_step_a_merge_step_and_its_repositories(feature):
    assert feature.settings is not UNDECLARED and issubclass(feature.settings, Settings)
    assert feature.erase is not UNDECLARED and inspect.iscoroutinefunction(feature.erase)
    assert feature.merge is not UNDECLARED and inspect.iscoroutinefunction(feature.merge)
    assert feature.repositories is not UNDECLARED


@pytest.mark.parametrize("name, protocol", sorted({(n, p) for f in FEATURES for n, p in f.repositories.items()},
                                                  key=lambda pair: pair[0]))
def test_the_store_implements_every_declared_repository(name, protocol):
    implementation = FEATURE_REPOSITORIES[name]
    wanted = {m for m in vars(protocol) if not m.startswith("_") and callable(getattr(protocol, m))}
    assert wanted and wanted <= set(dir(implementation)), wanted - set(dir(implementation))


def test_the_community_settings_are_every_section_composed():
    keys = [key for f in FEATURES for key in f.settings.model_fields]
    assert list(CommunitySettings.model_fields) == keys
    assert all(isinstance(CommunitySettings(), f.settings) for f in FEATURES)


def test_stored_flat_settings_read_back_section_by_section():
    stored = {"kudos_daily_allowance": 3, "welcome_channel": "C9", "meetup_reminders": ["2h"], "gone_key": 1}
    settings = CommunitySettings.from_stored(stored)
    assert (settings.kudos_daily_allowance, settings.welcome_channel, settings.meetup_reminders) == (3, "C9", ["2h"])
    assert settings.model_dump(mode="json").keys() == CommunitySettings.model_fields.keys()  # still one flat object


def test_two_sections_cannot_claim_the_same_key():
    class One(Settings):
        digest_day: str = Field("monday")

    class Two(Settings):
        digest_day: str = Field("friday")

    with pytest.raises(ValueError, match="digest_day"):
        compose_settings([One, Two])


async def test_erasing_a_member_runs_every_features_erase_step(console, clock):
    await console.say(":as owner", "/help", ":as bob", "/kudos @carol thanks for the private story")
    await console.say(":as owner", "/member erase @bob")
    async with console.app.core.uow_factory() as uow:
        community = (await uow.communities.all())[0]
        carol = (await uow.members.by_name(community.id, "console", "carol"))[0]
        erased = [m for m in (await uow.members.many(community.id, range(1, 20))).values() if m.erased]
        given = await uow.kudos.latest_batch(community.id, erased[0].id, clock.now() - timedelta(days=1))
    assert [(k.receiver_id, k.reason) for k in given] == [(carol.id, "")]
