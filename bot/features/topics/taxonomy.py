"""/tags: the community's topic taxonomy, which champions manage (add with keywords, rename, merge, remove)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.commands import CommandSpec, Kind, Param
from bot.context import Context
from bot.errors import Refusal
from bot.features.topics.check import unknown_tag
from bot.features.topics.ports import Topic
from bot.identity import Role
from bot.reply import Reply, Visibility
from bot.tags import MAX_TAG_LEN, normalise_tag

MAX_KEYWORDS = 20
_KEYWORD = re.compile(r"^[\w][\w\-+.]*$")


@dataclass(frozen=True)
class ShowTags:
    pass


@dataclass(frozen=True)
class AddTag:
    name: str
    keywords: str | None = None


@dataclass(frozen=True)
class RenameTag:
    old: str
    new: str


@dataclass(frozen=True)
class MergeTags:
    source: str
    into: str


@dataclass(frozen=True)
class RemoveTag:
    name: str


def parse_keywords(text: str | None) -> list[str]:
    """"serp, backlinks core-web-vitals" -> ["serp", "backlinks", "core-web-vitals"]: words, lower case."""
    words = [w.strip().lstrip("#").casefold() for w in (text or "").replace(",", " ").split()]
    words = list(dict.fromkeys(w for w in words if w))
    if len(words) > MAX_KEYWORDS:
        raise Refusal(f"{MAX_KEYWORDS} keywords per topic at most (that was {len(words)}).")
    if bad := next((w for w in words if len(w) > MAX_TAG_LEN or not _KEYWORD.match(w)), None):
        raise Refusal(f"'{bad[:MAX_TAG_LEN]}' can't be a keyword: keywords are words of letters, digits or dashes.")
    return words


def _line(topic: Topic) -> str:
    return f"#{topic.name}" + (f" — {', '.join(topic.keywords)}" if topic.keywords else "")


async def show_tags(cmd: ShowTags, ctx: Context) -> Reply:
    taxonomy = await ctx.uow.topics.taxonomy(ctx.community.id)
    others = await ctx.uow.topics.unmanaged_in_use(ctx.community.id)
    if not taxonomy:
        used = " ".join(f"#{n}" for n, _ in others) or "none yet"
        return Reply.ephemeral("This community has no topic list yet, so any #tag may be used. Tags used so far:"
                               f" {used}. Champions start the list with `/tags add seo serp backlinks`.")
    text = (f"Topics ({len(taxonomy)} of {ctx.settings.topics_max_tags}):\n"
            + "\n".join(_line(t) for t in taxonomy))
    if others:
        text += ("\nUsed but not on the list (merge or add them): "
                 + " ".join(f"#{n} ({uses})" for n, uses in others))
    return Reply.ephemeral(text)


async def _topic(ctx: Context, raw: str) -> Topic:
    name = normalise_tag(raw)
    taxonomy = await ctx.uow.topics.taxonomy(ctx.community.id)
    found = next((t for t in taxonomy if t.name == name), None)
    if found is None:
        if not taxonomy:
            raise Refusal("This community has no topic list yet: start it with `/tags add NAME keywords…`.")
        raise Refusal(unknown_tag(name, taxonomy))
    return found


async def add_tag(cmd: AddTag, ctx: Context) -> Reply:
    cid = ctx.community.id
    name, keywords = normalise_tag(cmd.name), parse_keywords(cmd.keywords)
    taxonomy = await ctx.uow.topics.taxonomy(cid)
    existing = next((t for t in taxonomy if t.name == name), None)
    if existing is None and len(taxonomy) >= ctx.settings.topics_max_tags:
        raise Refusal(f"This community already has {len(taxonomy)} topics, the most it may have"
                      f" (`/settings topics_max_tags`). Merge or remove one first.")
    topic = await ctx.uow.topics.add(cid, name, keywords or (existing.keywords if existing else ()),
                                     by_id=ctx.member.id, at=ctx.now)
    ctx.uow.audit.record(cid, ctx.member.id, "tags.add", {"tag": name, "keywords": list(topic.keywords)}, ctx.now)
    verb = "Updated" if existing else "Added"
    return Reply.ephemeral(f"{verb}: {_line(topic)}.")


async def rename_tag(cmd: RenameTag, ctx: Context) -> Reply:
    cid = ctx.community.id
    old = await _topic(ctx, cmd.old)
    new = normalise_tag(cmd.new)
    if new == old.name:
        raise Refusal(f"#{old.name} already has that name.")
    taken = await ctx.uow.tags.find(cid, new)
    if taken is not None and (await _managed(ctx, new) or await ctx.uow.topics.uses(cid, taken)):
        raise Refusal(f"#{new} already exists: to join the two, use `/tags merge {old.name} {new}`.")
    # A rename moves every use to a tag of the new name: tag ids never change names (storage SqlTags caches them).
    new_id = (await ctx.uow.tags.ensure(cid, [new]))[new]
    await ctx.uow.topics.merge(cid, old.tag_id, new_id, zone=ctx.zone, now=ctx.now)
    # The old name becomes a keyword: people typing it are pointed to the new one.
    await ctx.uow.topics.add(cid, new, list(dict.fromkeys([*old.keywords, old.name]))[:MAX_KEYWORDS],
                             by_id=ctx.member.id, at=ctx.now)
    ctx.uow.audit.record(cid, ctx.member.id, "tags.rename", {"from": old.name, "to": new}, ctx.now)
    return Reply.ephemeral(f"Renamed #{old.name} to #{new}: its kudos, followers and questions came along.")


async def merge_tags(cmd: MergeTags, ctx: Context) -> Reply:
    cid = ctx.community.id
    into = await _topic(ctx, cmd.into)
    name = normalise_tag(cmd.source)
    source_id = await ctx.uow.tags.find(cid, name)
    if source_id is None:
        raise Refusal(unknown_tag(name, await ctx.uow.topics.taxonomy(cid)))
    if source_id == into.tag_id:
        raise Refusal("Those are the same topic.")
    source_topic = next((t for t in await ctx.uow.topics.taxonomy(cid) if t.tag_id == source_id), None)
    await ctx.uow.topics.merge(cid, source_id, into.tag_id, zone=ctx.zone, now=ctx.now)
    # The old name and its keywords now suggest the topic it joined.
    keywords = [*into.keywords, name, *(source_topic.keywords if source_topic else ())]
    await ctx.uow.topics.add(cid, into.name, list(dict.fromkeys(keywords))[:MAX_KEYWORDS], by_id=ctx.member.id,
                             at=ctx.now)
    ctx.uow.audit.record(cid, ctx.member.id, "tags.merge", {"from": name, "into": into.name}, ctx.now)
    return Reply.ephemeral(f"Merged #{name} into #{into.name}: its kudos, followers and questions are #{into.name}'s"
                           " now.")


async def remove_tag(cmd: RemoveTag, ctx: Context) -> Reply:
    topic = await _topic(ctx, cmd.name)
    await ctx.uow.topics.remove(ctx.community.id, topic.tag_id)
    ctx.uow.audit.record(ctx.community.id, ctx.member.id, "tags.remove", {"tag": topic.name}, ctx.now)
    left = await ctx.uow.topics.taxonomy(ctx.community.id)
    after = "" if left else " The list is empty now, so any #tag may be used again."
    return Reply.ephemeral(f"Removed #{topic.name} from the topics; past kudos keep it.{after}")


async def _managed(ctx: Context, name: str) -> bool:
    return any(t.name == name for t in await ctx.uow.topics.taxonomy(ctx.community.id))


_NAME = Param("name", Kind.WORD, "a topic name, like seo", max_len=MAX_TAG_LEN + 20)

COMMANDS = (
    CommandSpec("tags", "See the community's topics and their keywords", ShowTags, show_tags,
                visibility=Visibility.EPHEMERAL),
    CommandSpec("tags add", "Add a topic (or change its keywords)", AddTag, add_tag,
                params=(_NAME, Param("keywords", Kind.TEXT, "keywords that suggest it", optional=True, max_len=800)),
                role=Role.CHAMPION, visibility=Visibility.EPHEMERAL,
                examples=("/tags add seo serp backlinks", "/tags add analytics ga4 looker")),
    CommandSpec("tags rename", "Rename a topic", RenameTag, rename_tag,
                params=(Param("old", Kind.WORD, "the topic", max_len=MAX_TAG_LEN + 20),
                        Param("new", Kind.WORD, "its new name", max_len=MAX_TAG_LEN + 20)),
                role=Role.CHAMPION, visibility=Visibility.EPHEMERAL, examples=("/tags rename seo search",)),
    CommandSpec("tags merge", "Merge a tag into a topic, with every use of it", MergeTags, merge_tags,
                params=(Param("source", Kind.WORD, "the tag to merge", max_len=MAX_TAG_LEN + 20),
                        Param("into", Kind.WORD, "the topic it joins", max_len=MAX_TAG_LEN + 20)),
                role=Role.CHAMPION, visibility=Visibility.EPHEMERAL, examples=("/tags merge serp seo",)),
    CommandSpec("tags remove", "Take a topic off the list", RemoveTag, remove_tag, params=(_NAME,),
                role=Role.CHAMPION, visibility=Visibility.EPHEMERAL, examples=("/tags remove crypto",)),
)
