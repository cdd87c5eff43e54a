"""The one check every #tag goes through (kudos, interests, follows, questions): a community without a taxonomy
keeps an open tag list; once champions manage one, a tag outside it is refused with the closest ones offered."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from bot.errors import Refusal
from bot.features.topics.ports import Topic
from bot.ports import UnitOfWork

CLOSEST = 3


async def known_tags(uow: UnitOfWork, community_id: int, names: Sequence[str], *,
                     create: bool = True) -> dict[str, int]:
    """Ids of these (normalised) tag names. Open list: `create` makes the unknown ones, else they are refused;
    with a taxonomy, only its tags pass."""
    if not names:
        return {}
    taxonomy = await uow.topics.taxonomy(community_id)
    if taxonomy:
        by_name = {t.name: t.tag_id for t in taxonomy}
        for name in names:
            if name not in by_name:
                raise Refusal(unknown_tag(name, taxonomy))
        return {name: by_name[name] for name in names}
    if create:
        return await uow.tags.ensure(community_id, names)
    found = {name: await uow.tags.find(community_id, name) for name in names}
    if unknown := next((n for n, tag_id in found.items() if tag_id is None), None):
        topics = " ".join(f"#{n}" for n in await uow.tags.names(community_id)) or "none yet"
        raise Refusal(f"#{unknown} isn't one of this community's topics. Topics here: {topics}.")
    return {name: tag_id for name, tag_id in found.items() if tag_id is not None}


async def topic_names(uow: UnitOfWork, community_id: int) -> list[str]:
    """The tags people may use here: the taxonomy, or every tag used so far on an open list."""
    taxonomy = await uow.topics.taxonomy(community_id)
    return [t.name for t in taxonomy] if taxonomy else await uow.tags.names(community_id)


def closest(name: str, taxonomy: Sequence[Topic], limit: int = CLOSEST) -> list[str]:
    """Tags that have `name` as a keyword first, then the names spelled most alike."""
    by_keyword = [t.name for t in taxonomy if name in t.keywords]
    alike = difflib.get_close_matches(name, [t.name for t in taxonomy], n=limit, cutoff=0.5)
    return list(dict.fromkeys([*by_keyword, *alike]))[:limit]


def unknown_tag(name: str, taxonomy: Sequence[Topic]) -> str:
    near = closest(name, taxonomy)
    offer = f" Did you mean {' or '.join(f'#{n}' for n in near)}?" if near else ""
    return (f"#{name} isn't one of this community's topics.{offer} Topics here: "
            f"{' '.join(f'#{t.name}' for t in taxonomy)}. Champions add topics with /tags add.")
