"""The core's Outbound port on Discord: channel posts, DMs and interaction follow-ups.

* Channel and DM posts carry a nonce derived from the outbox key (<= 25 characters) and discord.py sets
  ``enforce_nonce``, so a message re-sent after a crash within Discord's dedup window appears once.
* DM channels are cached per user (one ``POST /users/@me/channels`` per person per process).
* Closed DMs (403, code 50007) raise ``DeliveryRefused``: the dispatcher then uses the fallback channel.
* discord.py waits out rate limits itself, up to the client's ``max_ratelimit_timeout`` (``RATE_LIMIT_WAIT_MAX``,
  the smallest discord.py accepts); a longer wait raises ``RateLimited`` here, and the dispatcher gives the message
  back to the outbox until then instead of holding it (and everything queued behind it).
* A ``ResponseTarget`` is an interaction token: the reply goes to its follow-up webhook (15 minutes); once the
  token has expired, public replies go to the channel and private ones by DM.
* A ``ChannelTarget`` with a ``thread_id`` posts in that thread; if there is no such thread yet, it is started
  from the message of that id (``POST /channels/{c}/messages/{m}/threads``; the thread then has that id).
* A ``ChannelTarget`` that is a forum channel gets a forum post (``POST /channels/{forum}/threads``) titled by the
  reply's ``topic``, with the forum's tags it names; the ``Posted`` names the post's thread and starter message."""

from __future__ import annotations

import hashlib
import logging

import discord

from adapters.discord.render import Outgoing, render
from bot.identity import ChannelTarget, MemberTarget, Posted, ResponseTarget, Target
from bot.ports import DeliveryRefused, RateLimited
from bot.reply import Reply, Visibility, render_stamps

log = logging.getLogger("copbot.discord")

NONCE_MAX = 25
CANNOT_DM = 50007
LOADING = 128  # message flag: the "is thinking…" placeholder of a deferred interaction
EPHEMERAL = 64
UNKNOWN_CHANNEL = 10003
THREAD_EXISTS = 160004  # "A thread has already been created for this message"
THREAD_NAME_MAX = 100
FORUM_TAGS_MAX = 5
RATE_LIMIT_WAIT_MAX = 30.0  # seconds; discord.py raises its RateLimited for longer waits (30 is its minimum)


def thread_title(reply: Reply) -> str:
    """A thread's or forum post's name: the reply's topic, else its first line (Discord: 1 to 100 characters)."""
    text = reply.topic.title if reply.topic and reply.topic.title.strip() else reply.text
    title = " ".join(render_stamps(text, lambda moment, style: f"{moment:%d %b %Y}").split()[:30])
    title = "".join(ch for ch in title if ch.isprintable())
    return (title[: THREAD_NAME_MAX - 1] + "…" if len(title) > THREAD_NAME_MAX else title) or "Thread"


def _tag_key(name: str) -> str:
    return " ".join(name.strip().lstrip("#").casefold().split())


def nonce(key: str, n: int = 0) -> str:
    raw = key if n == 0 else f"{key}.{n}"
    return raw if len(raw) <= NONCE_MAX else hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


async def send_followups(webhook: discord.Webhook, messages: list[Outgoing], *, ephemeral: bool,
                         deferred_public: bool | None) -> None:
    """Follow-ups on an interaction.  After a public defer, the first follow-up would fill the public "thinking"
    message whatever flags it asks for, so a private answer first removes that placeholder.
    ``deferred_public=None``: not known here (a restart, the outbox), so look at the original response."""
    if not messages:
        return
    if ephemeral and deferred_public is not False:
        if deferred_public is None:
            try:
                original = await webhook.fetch_message("@original")  # type: ignore[arg-type]
                deferred_public = bool(original.flags.value & LOADING) and not original.flags.ephemeral
            except discord.NotFound:
                deferred_public = False
        if deferred_public:
            await webhook.delete_message("@original")  # type: ignore[arg-type]
    for message in messages:
        await webhook.send(**message.kwargs(), ephemeral=ephemeral, wait=True)


class DiscordOutbound:
    def __init__(self, client: discord.Client) -> None:
        self.client = client
        self._dms: dict[int, discord.abc.Messageable] = {}

    async def send(self, target: Target, reply: Reply, *, key: str) -> Posted | None:
        try:
            return await self._send(target, reply, key)
        except discord.RateLimited as error:  # only with max_ratelimit_timeout set on the client
            raise RateLimited(error.retry_after, "Discord") from None

    async def _send(self, target: Target, reply: Reply, key: str) -> Posted | None:
        if isinstance(target, ResponseTarget):
            await self._respond(target, reply, key)
            return None
        if isinstance(target, MemberTarget):
            message = await self._direct(int(target.member.user_id), reply, key)
            return Posted("discord", target.member.workspace_id, str(message.channel.id), str(message.id))
        if target.thread_id:
            message = await self._post_in_thread(target, reply, key)
            return Posted("discord", target.workspace_id, target.channel_id, str(message.id), target.thread_id)
        channel = self._channel(target)
        if isinstance(channel, discord.ForumChannel) or (
                reply.topic is not None and isinstance(channel, discord.PartialMessageable)
                and isinstance(channel := await self._fetch(channel), discord.ForumChannel)):
            return await self._forum_post(channel, target, reply, key)
        message = await self._post(channel, reply, key)
        return Posted("discord", target.workspace_id, target.channel_id, str(message.id))

    async def edit(self, posted: Posted, reply: Reply) -> None:
        channel = self.client.get_partial_messageable(int(posted.thread_id or posted.channel_id))
        await channel.get_partial_message(int(posted.message_id)).edit(**render(reply)[0].kwargs())

    def _channel(self, target: ChannelTarget) -> discord.abc.Messageable:
        channel_id = int(target.thread_id or target.channel_id)  # a Discord thread is a channel of its own
        return self.client.get_channel(channel_id) or self.client.get_partial_messageable(channel_id)  # type: ignore[return-value]

    async def _post_in_thread(self, target: ChannelTarget, reply: Reply, key: str) -> discord.Message:
        """Into the thread; a thread named after a message that has none yet (Slack-style: answer under a
        message) is started from that message first, as Discord names such a thread by the message's id."""
        assert target.thread_id
        try:
            return await self._post(self._channel(target), reply, key)
        except discord.NotFound as error:
            if error.code != UNKNOWN_CHANNEL or target.thread_id == target.channel_id:
                raise
        parent = self.client.get_partial_messageable(int(target.channel_id), guild_id=int(target.workspace_id))
        title = thread_title(reply)
        try:
            thread = await parent.get_partial_message(int(target.thread_id)).create_thread(name=title)
        except discord.NotFound as error:  # the message is gone: there is nothing to answer under
            raise DeliveryRefused(f"Discord: no message {target.thread_id} to start a thread from") from error
        except discord.HTTPException as error:
            if error.code != THREAD_EXISTS:  # created meanwhile (another sender): post in it
                raise
            return await self._post(self._channel(target), reply, key)
        return await self._post(thread, reply, key)

    async def _fetch(self, channel: discord.abc.Messageable) -> object:
        try:
            return await self.client.fetch_channel(channel.id)  # type: ignore[attr-defined]
        except discord.HTTPException:
            return channel

    async def _forum_post(self, forum: discord.ForumChannel, target: ChannelTarget, reply: Reply,
                          key: str) -> Posted:
        """A forum channel takes posts, not messages: the reply opens a post titled by its topic, with the
        forum's tags named by it (matched case- and `#`-insensitively; unknown names are left out)."""
        wanted = {_tag_key(t) for t in (reply.topic.tags if reply.topic else ())}
        tags = [t for t in forum.available_tags if _tag_key(t.name) in wanted][:FORUM_TAGS_MAX]
        first, *more = render(reply)
        created = await forum.create_thread(name=thread_title(reply), applied_tags=tags, **first.kwargs())
        for n, message in enumerate(more, start=1):
            await created.thread.send(**message.kwargs(), nonce=nonce(key, n))
        return Posted("discord", target.workspace_id, target.channel_id, str(created.message.id),
                      str(created.thread.id))

    async def _post(self, channel: discord.abc.Messageable, reply: Reply, key: str) -> discord.Message:
        """Every rendered message; returns the first."""
        sent = [await channel.send(**message.kwargs(), nonce=nonce(key, n)) for n, message in enumerate(render(reply))]
        return sent[0]

    async def _direct(self, user_id: int, reply: Reply, key: str) -> discord.Message:
        channel = self._dms.get(user_id)
        if channel is None:
            channel = self._dms[user_id] = await self.client.create_dm(discord.Object(user_id))
        try:
            return await self._post(channel, reply, key)
        except discord.Forbidden as error:
            if error.code == CANNOT_DM:
                raise DeliveryRefused(f"Discord user {user_id} does not accept direct messages") from error
            raise

    async def _respond(self, target: ResponseTarget, reply: Reply, key: str) -> None:
        application_id = self.client.application_id
        if application_id is None:
            raise RuntimeError("the Discord client is not logged in yet")
        webhook = discord.Webhook.partial(application_id, target.handle, client=self.client)
        webhook.type = discord.WebhookType.application  # an interaction's webhook: ephemeral follow-ups allowed
        ephemeral = reply.visibility is not Visibility.PUBLIC
        try:
            await send_followups(webhook, render(reply), ephemeral=ephemeral, deferred_public=None)
        except discord.HTTPException as error:
            if error.status not in (401, 404):
                raise
            log.info("interaction token expired (%s): sending the answer %s instead", error.status,
                     "by DM" if ephemeral else "to the channel")
            if ephemeral and target.user_id:
                await self._direct(int(target.user_id), reply, key)
            elif not ephemeral:
                await self._post(self._channel(ChannelTarget("discord", target.workspace_id, target.channel_id)),
                                 reply, key)
