"""Helpers for the welcome tests: DMs that can be closed, and reading what the console printed."""

from __future__ import annotations

import re

from bot.identity import MemberTarget
from bot.ports import DeliveryRefused


class ClosedDirectMessages:
    """An Outbound wrapper: members named here have their DMs closed, as Slack and Discord allow."""

    def __init__(self, inner, closed: set[str]):
        self.inner, self.closed = inner, closed

    async def send(self, target, reply, *, key: str) -> None:
        if isinstance(target, MemberTarget) and target.member.user_id in self.closed:
            raise DeliveryRefused(f"{target.member.user_id} does not accept direct messages")
        await self.inner.send(target, reply, key=key)


def dms_to(out: str, name: str) -> list[str]:
    return re.findall(rf"^\[m\d+\] \(DM to {name}\) copbot: (.*)$", out, flags=re.MULTILINE)


def posts_in(out: str, channel: str) -> list[str]:
    return re.findall(rf"^\[m\d+\] \(#{channel}\) copbot: (.*)$", out, flags=re.MULTILINE)


def message_id(out: str, text: str) -> str:
    return next(m for m, line in re.findall(r"^\[(m\d+)\] (.*)$", out, flags=re.MULTILINE) if text in line)
