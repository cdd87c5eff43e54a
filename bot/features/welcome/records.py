"""What the welcome store returns: plain data, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Onboarding:
    """One member's onboarding. `started_at` is the join it belongs to: drips scheduled for an
    earlier join see a different start and stay silent."""

    member_id: int
    started_at: datetime
    drips_stopped_at: datetime | None = None
    buddy_id: int | None = None
    buddy_paired_at: datetime | None = None
