"""One-time codes: 8 characters a person can read aloud, single use, short-lived, stored only as a salted hash,
and at most a few tries an hour per member."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from bot.context import Context
from bot.errors import Refusal
from bot.features.linking.ports import LinkCode

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: nothing to misread
LENGTH = 8
LIFETIME = timedelta(minutes=10)
ATTEMPTS_PER_HOUR = 5
LINK, BIND = "link", "bind"


def digest(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def normalized(typed: str) -> str:
    """What a person typed, as the code it means: case and separators don't matter."""
    return "".join(c for c in typed.upper() if c not in " -_")


async def issue(ctx: Context, purpose: str) -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    salt = secrets.token_hex(16)
    await ctx.uow.linking.add_code(ctx.community.id, ctx.member.id, purpose, ctx.place.platform,
                                   ctx.place.workspace_id, salt, digest(salt, code), at=ctx.now,
                                   expires_at=ctx.now + LIFETIME)
    return code


async def redeem(ctx: Context, typed: str, purpose: str, *, community_id: int | None) -> LinkCode | None:
    """The live code `typed` names, if any. Every try counts (it is recorded in this transaction, which the
    handler commits even when the code is wrong); past the hourly limit a try is refused unread."""
    linking = ctx.uow.linking
    await ctx.uow.members.lock(ctx.community.id, ctx.member.id)  # two tries at once take turns
    if await linking.attempts_since(ctx.community.id, ctx.member.id, ctx.now - timedelta(hours=1)) \
            >= ATTEMPTS_PER_HOUR:
        raise Refusal(f"You have tried {ATTEMPTS_PER_HOUR} codes in the last hour: wait a while, then ask for "
                      "a new code.")
    await linking.record_attempt(ctx.community.id, ctx.member.id, ctx.now)
    code = normalized(typed)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    found = None
    for candidate in await linking.live_codes(purpose, ctx.now, community_id):
        # every live code is compared, in constant time, whether or not one matched already
        if hmac.compare_digest(digest(candidate.salt, code), candidate.digest):
            found = candidate
    return found
