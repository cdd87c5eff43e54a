"""The Outbound port on Slack: channels, direct messages, and response_urls.

Every Web API call goes through slack_sdk's retry handlers (connection errors, 5xx, and a 429 whose
Retry-After is short) with backoff; whatever still fails is raised, so the outbox records the failure and
tries again later. Nothing is dropped silently. A longer 429 is not slept through inside the call (that would
hold the outbox row, and every row behind it, for the whole wait): `send` raises RateLimited and the
dispatcher puts the message back until then. A closed or impossible direct message raises DeliveryRefused
(the dispatcher then uses the fallback channel)."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.render import SlackMessage, render, response_type
from bot.identity import ChannelTarget, MemberTarget, Posted, ResponseTarget, Target
from bot.ports import DeliveryRefused, RateLimited
from bot.reply import Reply, message_links

log = logging.getLogger("copbot.slack")

# Errors that mean "this person can never get a DM from us".
DM_REFUSALS = frozenset({"cannot_dm_bot", "user_not_found", "user_disabled", "account_inactive",
                         "user_not_visible", "messages_tab_disabled", "is_archived", "not_allowed_token_type"})


# Waiting out Slack's usual one-second burst limit inside a call is cheaper than a round trip through the
# outbox; anything longer is given back to the caller (for the outbox: RateLimited).
SHORT_RETRY_AFTER = 1.0
PERMALINK_DEADLINE = 2.0  # seconds for the permalinks of one reply; then links are shown as their labels
MAX_PERMALINKS = 10_000
UNKNOWN_RETRY_AFTER = 30.0  # Slack always sends Retry-After with a 429; if it ever doesn't, be patient


def retry_after(headers) -> float | None:
    """Retry-After from an aiohttp or slack_sdk header mapping (slack_sdk's holds lists)."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            value = value[0] if isinstance(value, list) else value
            try:
                return float(value)
            except (TypeError, ValueError):
                return None
    return None


class ShortRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, but it sleeps only through a Retry-After of SHORT_RETRY_AFTER or less."""

    async def _can_retry_async(self, *, state, request, response=None, error=None) -> bool:
        if not await super()._can_retry_async(state=state, request=request, response=response, error=error):
            return False
        wait = retry_after(response.headers)
        return wait is not None and wait <= SHORT_RETRY_AFTER


def retry_handlers() -> list:
    return [ShortRateLimitRetryHandler(max_retry_count=2), AsyncServerErrorRetryHandler(max_retry_count=2)]


class ResponseUrlFailed(Exception):
    def __init__(self, message: str, status: int = 0, retry_after: float | None = None):
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


NOT_POSTABLE = ("not_in_channel", "channel_not_found", "is_archived")  # errors a retry will not fix

class SlackOutbound:
    def __init__(self, client: AsyncWebClient, session: aiohttp.ClientSession | None = None):
        self.client = client
        self.session = session
        self._dm_channels: dict[str, str] = {}  # user id -> the DM channel id conversations.open gave
        self._permalinks: OrderedDict[tuple[str, str], str] = OrderedDict()  # (channel, ts) -> permalink

    async def links(self, reply: Reply, *, within: float = PERMALINK_DEADLINE) -> dict[tuple[str, str], str]:
        """The permalinks of the messages the reply links to (chat.getPermalink, once per message per process).
        Whatever Slack does not give within `within` seconds is shown as its label alone."""
        texts = [reply.text, *(s.text for s in reply.sections),
                 *(t for s in reply.sections for f in s.fields for t in (f.name, f.value))]
        wanted = {(link.channel_id, link.message_id) for text in texts for link in message_links(text)
                  if link.platform == "slack"}
        missing = [key for key in wanted if key not in self._permalinks]
        if missing and within > 0:
            try:
                await asyncio.wait_for(asyncio.gather(*(self._permalink(*key) for key in missing),
                                                      return_exceptions=True), within)
            except TimeoutError:
                log.info("chat.getPermalink took over %.1f s: links shown as their labels", within)
        return {key: self._permalinks[key] for key in wanted if key in self._permalinks}

    async def _permalink(self, channel: str, ts: str) -> None:
        found = await self.client.chat_getPermalink(channel=channel, message_ts=ts)
        self._permalinks[(channel, ts)] = found["permalink"]
        while len(self._permalinks) > MAX_PERMALINKS:
            self._permalinks.popitem(last=False)

    async def send(self, target: Target, reply: Reply, *, key: str) -> Posted | None:
        """The outbox's way out. Raises RateLimited on a 429 that the retry handler did not wait out."""
        try:
            return await self._send(target, reply)
        except SlackApiError as error:
            if getattr(error.response, "status_code", None) != 429:
                raise
            wait = retry_after(error.response.headers)
            method = str(getattr(error.response, "api_url", "")).rsplit("/", 1)[-1]
            raise RateLimited(UNKNOWN_RETRY_AFTER if wait is None else wait, f"Slack {method}") from None
        except ResponseUrlFailed as error:
            if error.status != 429:
                raise
            raise RateLimited(error.retry_after or UNKNOWN_RETRY_AFTER, "Slack response_url") from None

    async def _send(self, target: Target, reply: Reply) -> Posted | None:
        if isinstance(target, ResponseTarget):
            await self.respond(target.handle, reply)
        elif isinstance(target, MemberTarget) and target.where is not None:
            await self.reply_to_person(target.where.channel_id, target.member.user_id, reply,
                                       thread_ts=target.where.thread_id)
        elif isinstance(target, MemberTarget):
            channel, ts = await self.direct(target.member.user_id, reply)
            return Posted("slack", target.member.workspace_id, channel, ts)
        elif isinstance(target, ChannelTarget):
            try:
                ts = await self.post(target.channel_id, reply, thread_ts=target.thread_id)
                return Posted("slack", target.workspace_id, target.channel_id, ts, target.thread_id)
            except SlackApiError as error:
                if error.response.get("error") in NOT_POSTABLE:
                    # The dispatcher then tells the target's fallback person instead, or gives up at once.
                    raise DeliveryRefused(f"Slack: {error.response.get('error')} in {target.channel_id}") from None
                raise
        else:
            raise TypeError(f"not a Slack target: {target!r}")
        return None

    async def edit(self, posted: Posted, reply: Reply) -> None:
        """chat.update of the posted message with the reply's first rendered message."""
        message = render(reply, await self.links(reply))[0]
        await self.client.chat_update(channel=posted.channel_id, ts=posted.message_id, text=message.text,
                                      blocks=message.blocks)

    async def post(self, channel: str, reply: Reply, *, thread_ts: str | None = None) -> str:
        """chat.postMessage, one call per rendered message; returns the first one's `ts`. Raises SlackApiError
        (e.g. not_in_channel)."""
        first = ""
        shown = reply.plain_text() or reply.buttons or not reply.attachments  # a file alone: no blank post before it
        for message in render(reply, await self.links(reply)) if shown else ():
            posted = await self.client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks,
                                                        thread_ts=thread_ts, unfurl_links=False, unfurl_media=False)
            first = first or posted.get("ts", "")
        await self._upload(channel, reply, thread_ts)
        return first

    async def ephemeral(self, channel: str, user: str, reply: Reply, *, thread_ts: str | None = None) -> None:
        for message in render(reply, await self.links(reply)):
            await self.client.chat_postEphemeral(channel=channel, user=user, text=message.text,
                                                 blocks=message.blocks, thread_ts=thread_ts)

    async def direct(self, user_id: str, reply: Reply) -> tuple[str, str]:
        """The DM channel and the posted message's `ts`."""
        try:
            channel = await self._dm_channel(user_id)
            return channel, await self.post(channel, reply)
        except SlackApiError as error:
            code = error.response.get("error")
            if code == "channel_not_found":
                self._dm_channels.pop(user_id, None)  # stale cache: open it again next time
            if code in DM_REFUSALS:
                raise DeliveryRefused(f"Slack refused a DM to {user_id}: {code}") from error
            raise

    async def respond(self, response_url: str, reply: Reply, *, replace_original: bool = False) -> None:
        """Post to an interaction's response_url (works where the bot was never invited)."""
        await self.respond_messages(response_url, render(reply, await self.links(reply)), response_type(reply),
                                    replace_original)

    async def respond_messages(self, response_url: str, messages: list[SlackMessage], kind: str,
                               replace_original: bool = False) -> None:
        webhook = AsyncWebhookClient(response_url, session=self.session, retry_handlers=retry_handlers())
        for message in messages:
            result = await webhook.send(text=message.text, blocks=message.blocks, response_type=kind,
                                        replace_original=replace_original)
            if result.status_code != 200:
                raise ResponseUrlFailed(f"response_url answered {result.status_code}: {result.body[:100]}",
                                        result.status_code, retry_after(result.headers or {}))

    async def reply_to_person(self, channel: str, user: str, reply: Reply, *, thread_ts: str | None = None) -> None:
        """Where the bot can't post in a channel: an ephemeral there if possible, else a DM."""
        try:
            await self.ephemeral(channel, user, reply, thread_ts=thread_ts)
        except SlackApiError as error:
            if error.response.get("error") not in NOT_POSTABLE:
                raise
            await self.direct(user, reply)

    async def _dm_channel(self, user_id: str) -> str:
        if user_id not in self._dm_channels:
            opened = await self.client.conversations_open(users=user_id)
            self._dm_channels[user_id] = opened["channel"]["id"]
        return self._dm_channels[user_id]

    async def _upload(self, channel: str, reply: Reply, thread_ts: str | None) -> None:
        for file in reply.attachments:
            await self.client.files_upload_v2(channel=channel, filename=file.filename, content=file.content,
                                              title=file.filename, thread_ts=thread_ts)
