"""Which heading a conversation sits under in the list: Pinned, Today, Yesterday, Previous 7 days…

Plain Python (no Qt) so the rules are easy to read and test. Times in the catalog are UTC; people
think in their own calendar days, so the grouping converts to local time first.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timezone

from app.core.entities import Conversation


class Group(enum.Enum):
    PINNED = "pinned"
    TODAY = "today"
    YESTERDAY = "yesterday"
    WEEK = "week"
    MONTH = "month"
    OLDER = "older"


def local_day(stamp: str, tz: timezone | None = None) -> date:
    """The local calendar day of a catalog timestamp (``2026-11-29T04:40:52.123Z``)."""
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(tz).date()


def group_of(conversation: Conversation, today: date, tz: timezone | None = None) -> Group:
    if conversation.pinned:
        return Group.PINNED
    age = (today - local_day(conversation.updated_at, tz)).days
    if age <= 0:
        return Group.TODAY  # a clock set back still files today's chats under Today
    if age == 1:
        return Group.YESTERDAY
    if age < 7:
        return Group.WEEK
    if age < 30:
        return Group.MONTH
    return Group.OLDER


def grouped(conversations: Iterable[Conversation], today: date,
            tz: timezone | None = None) -> Iterator[tuple[Group, list[Conversation]]]:
    """Consecutive runs of the list under their heading, in the list's own order (pinned first,
    then newest first, as the catalog returns them); empty groups are left out."""
    current: Group | None = None
    run: list[Conversation] = []
    for conversation in conversations:
        group = group_of(conversation, today, tz)
        if group is not current and run:
            yield current, run  # type: ignore[misc]
            run = []
        current = group
        run.append(conversation)
    if run:
        yield current, run  # type: ignore[misc]
