"""``copbot discord invite-url``: the OAuth2 URL that adds copbot to a server with exactly what it needs.

Scopes: ``bot`` (join the server as a bot user) and ``applications.commands`` (its slash commands).
Permissions, each for something the adapter does today:

* View Channels            see the channels it answers in and the threads it posts to
* Send Messages            post replies, announcements, reminders and digests in channels
* Send Messages in Threads answer and announce inside threads and forum posts
* Embed Links              replies render as embeds (without it Discord drops them)
* Attach Files             calendar files (.ics) attached to replies
* Read Message History     see the messages people react to and reply to

No administrator, no role or channel management: roles are copbot's own, kept in its database."""

from __future__ import annotations

import base64
import binascii

import discord

SCOPES = ("bot", "applications.commands")


def permissions() -> discord.Permissions:
    return discord.Permissions(view_channel=True, send_messages=True, send_messages_in_threads=True,
                               embed_links=True, attach_files=True, read_message_history=True)


def application_id_from_token(token: str) -> str | None:
    """A bot token's first part is the bot's user id in base64, which is also its application id."""
    head = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4), validate=False).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded if decoded.isdigit() else None


def invite_url(application_id: str) -> str:
    return discord.utils.oauth_url(application_id, permissions=permissions(), scopes=SCOPES)
