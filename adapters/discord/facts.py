"""Who and where, as the core's plain data, from discord.py objects (no platform object enters the core)."""

from __future__ import annotations

import discord

from bot.identity import MemberRef, Person, Place, Role

PLATFORM = "discord"


def platform_role(user: discord.abc.User, guild: discord.Guild | None, *, administrator: bool) -> Role:
    """The guild owner is OWNER, a member with Administrator is MANAGER; the core decides the rest."""
    if guild is not None and guild.owner_id == user.id:
        return Role.OWNER
    return Role.MANAGER if administrator else Role.MEMBER


def person(user: discord.abc.User, guild_id: int | str, *, role: Role = Role.MEMBER) -> Person:
    """Discord gives no time zone, so `zone` stays None."""
    return Person(MemberRef(PLATFORM, str(guild_id), str(user.id)), user.display_name, bool(user.bot), role)


def member_person(member: discord.Member) -> Person:
    administrator = member.guild_permissions.administrator
    return person(member, member.guild.id, role=platform_role(member, member.guild, administrator=administrator))


def mentioned(users: list[discord.abc.User], guild_id: int | str) -> tuple[Person, ...]:
    """Facts about mentioned people (names, bots); roles are not the mentioner's to tell."""
    return tuple(person(u, guild_id) for u in users)


def split_thread(channel: object, channel_id: int) -> tuple[str, str | None]:
    """(channel_id, thread_id): inside a thread, the channel is its parent and the thread is the thread."""
    if isinstance(channel, discord.Thread) and channel.parent_id:
        return str(channel.parent_id), str(channel.id)
    return str(channel_id), None


def place(guild: discord.Guild | None, guild_id: int | str, channel: object, channel_id: int | None, *,
          message_id: int | None = None) -> Place:
    channel_str, thread = split_thread(channel, channel_id) if channel_id else ("", None)
    return Place(PLATFORM, str(guild_id), channel_str, str(message_id) if message_id else None, thread,
                 guild.name if guild is not None else None)


def interaction_actor(interaction: discord.Interaction) -> Person:
    administrator = interaction.permissions.administrator  # resolved for this member in this channel
    guild = interaction.guild
    return person(interaction.user, interaction.guild_id or "",
                  role=platform_role(interaction.user, guild, administrator=administrator))


def interaction_place(interaction: discord.Interaction) -> Place:
    return place(interaction.guild, interaction.guild_id or "", interaction.channel, interaction.channel_id)
