"""What linking needs from the store (storage/repositories/linking.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class LinkCode:
    id: int
    community_id: int
    member_id: int  # who was given it
    purpose: str  # link | bind
    platform: str  # where it was given
    workspace_id: str
    salt: str
    digest: str


class LinkingRepo(Protocol):
    async def add_code(self, community_id: int, member_id: int, purpose: str, platform: str, workspace_id: str,
                       salt: str, digest: str, *, at: datetime, expires_at: datetime) -> None:
        """A new code; the member's earlier unused codes for the same purpose stop working."""
    async def live_codes(self, purpose: str, now: datetime, community_id: int | None = None) -> list[LinkCode]:
        """Unused, unexpired codes (of one community, or of all for binding)."""
    async def use_code(self, code_id: int, at: datetime) -> bool:
        """Mark a code used; False when it already was (it works once)."""
    async def attempts_since(self, community_id: int, member_id: int, since: datetime) -> int: ...
    async def record_attempt(self, community_id: int, member_id: int, at: datetime) -> None: ...
    async def bind_here(self, community_id: int, platform: str, workspace_id: str) -> int | None:
        """Bind a workspace to this community (moving it from the one it was bound to: returned)."""
    async def unbind(self, community_id: int, platform: str, workspace_id: str) -> bool: ...
    async def merge(self, community_id: int, from_member_id: int, into_member_id: int, at: datetime) -> None: ...
    async def erase(self, community_id: int, member_id: int) -> None: ...
