"""The unit of work: one session, one transaction, the repositories over it."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import Conflict, StoreUnavailable
from storage.engine import stalled
from storage.repositories.communities import SqlCommunities, SqlMembers, SqlTags
from storage.repositories.outbox import SqlAudit, SqlEventLog, SqlOutbox
from storage.repositories.registry import FEATURE_REPOSITORIES


class SqlUnitOfWork:
    def __init__(self, sessions: async_sessionmaker, known_tags: dict[tuple[int, str], int] | None = None):
        self._sessions = sessions
        self._known_tags = {} if known_tags is None else known_tags
        self.session: AsyncSession | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = s = self._sessions()
        self.communities = SqlCommunities(s)
        self.members = SqlMembers(s)
        self.tags = SqlTags(s, self._known_tags)
        self.outbox = SqlOutbox(s)
        self.events = SqlEventLog(s)
        self.audit = SqlAudit(s)
        for name, repository in FEATURE_REPOSITORIES.items():
            setattr(self, name, repository(s))
        return self

    async def __aexit__(self, exc_type: object, error: BaseException | None, tb: object) -> None:
        assert self.session is not None
        try:
            try:
                await self.session.rollback()  # a no-op after commit(); undoes everything otherwise
            finally:
                await self.session.close()
                self.session = None
        except Exception as failure:
            if stalled(failure):
                raise StoreUnavailable(type(failure).__name__) from failure
            raise
        if error is not None and stalled(error):  # the core answers "nothing was changed, try again"
            raise StoreUnavailable(type(error).__name__) from error
        if isinstance(error, IntegrityError):  # a unique row another process wrote first: the core runs it again
            raise Conflict(f"unique key already taken ({type(error.orig).__name__})") from error

    async def commit(self) -> None:
        assert self.session is not None
        await self.outbox.flush()
        await self.session.commit()
        self.tags.committed()

    async def rollback(self) -> None:
        assert self.session is not None
        await self.session.rollback()
        self.outbox.discard()
        self.tags.rolled_back()


def uow_factory(sessions: async_sessionmaker):
    known_tags: dict[tuple[int, str], int] = {}  # one per database: see SqlTags
    return lambda: SqlUnitOfWork(sessions, known_tags)
