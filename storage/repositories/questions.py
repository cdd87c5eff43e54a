"""Questions, their answers and the full-text search over them, on SQLite (FTS5) and PostgreSQL (tsvector).

Both stores index `questions.search_text` (see storage/models_questions.py): this module writes it whenever a
question's status, text or accepted answers change, in the same transaction, and the store's index follows it
(SQLite's triggers, PostgreSQL's generated column and its GIN index)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.questions.model import DEFLECTED, OPEN, POSTED, SOLVED, Answer, Mirror, Question, SearchHit
from bot.features.topics.escalation import UnansweredQuestion
from storage.models import MemberRow, TagRow
from storage.models_questions import AnswerRow, MirrorRow, QuestionRow, QuestionTagRow
from storage.repositories.dialect import by_ids, sqlite_unindexed
from storage.repositories.kudos import received_in_tags


def to_question(row: QuestionRow, tags: Sequence[str] = ()) -> Question:
    return Question(row.id, row.number, row.community_id, row.asker_id, row.text, row.status, row.platform,
                    row.workspace_id, row.channel_id, row.message_id, row.thread_id, row.created_at,
                    row.last_activity_at, row.posted_at, row.first_answer_at, row.solved_at, row.closed_at,
                    tuple(tags))


def to_answer(row: AnswerRow) -> Answer:
    return Answer(row.id, row.question_id, row.number, row.author_id, row.text, row.message_id, row.created_at,
                  row.accepted_at, row.kudos_given, row.deleted_at, row.platform, row.workspace_id, row.channel_id)


_TAG_FILTER = ("EXISTS (SELECT 1 FROM question_tags qt WHERE qt.question_id = q.id AND qt.tag_id = :tag_id)")

# Words common enough to match most questions would make ranking read them all: the ranking is among the newest
# RANKED matches (every match, for the words people tell questions apart by). bench/search.py measures it.
RANKED = 300

# SQLite: the rowid of the RANKED-th newest match (FTS5 walks its doclists newest first and stops there) ...
_SQLITE_FLOOR = """
SELECT q.id FROM questions_fts JOIN questions q ON q.id = questions_fts.rowid
WHERE questions_fts MATCH :query AND q.community_id = :community_id {filters}
ORDER BY questions_fts.rowid DESC LIMIT 1 OFFSET :ranked"""
# ... then bm25 (lower is better) over the matches from there on; the snippet comes from the FTS5 table itself.
_SQLITE_SEARCH = """
SELECT q.id, snippet(questions_fts, 0, '«', '»', '…', 16) AS snip
FROM questions_fts JOIN questions q ON q.id = questions_fts.rowid
WHERE questions_fts MATCH :query AND questions_fts.rowid >= :floor AND q.community_id = :community_id {filters}
ORDER BY bm25(questions_fts), q.id DESC
LIMIT :limit"""

# PostgreSQL: the newest RANKED matches, ranked, then headlines for the few kept (ts_headline reads the text).
_POSTGRES_SEARCH = """
WITH matched AS (
    SELECT q.id, q.search_vector FROM questions q
    WHERE q.search_vector @@ to_tsquery('english', :query) AND q.community_id = :community_id {filters}
    ORDER BY q.id DESC LIMIT :ranked),
ranked AS (
    SELECT id, ts_rank_cd(search_vector, to_tsquery('english', :query)) AS rank FROM matched
    ORDER BY rank DESC, id DESC LIMIT :limit)
SELECT ranked.id, ts_headline('english', q.search_text, to_tsquery('english', :query),
       'StartSel=«, StopSel=», MaxWords=24, MinWords=8, ShortWord=2, MaxFragments=1') AS snip
FROM ranked JOIN questions q ON q.id = ranked.id
ORDER BY ranked.rank DESC, ranked.id DESC"""


class SqlQuestions:
    def __init__(self, session: AsyncSession):
        self.s = session

    # Questions ------------------------------------------------------------------------------

    async def add(self, community_id: int, *, asker_id: int, text: str, tag_ids: Sequence[int], status: str,
                  place: dict, at: datetime) -> Question:
        last = await self.s.scalar(select(func.max(QuestionRow.number)).where(
            QuestionRow.community_id == community_id))
        row = QuestionRow(community_id=community_id, number=(last or 0) + 1, asker_id=asker_id, text=text,
                          status=status, platform=place["platform"], workspace_id=place["workspace_id"],
                          channel_id=place["channel_id"], search_text="", created_at=at, last_activity_at=at)
        self.s.add(row)
        await self.s.flush()
        await self.set_tags(community_id, row.id, tag_ids)
        await self._refresh_search(row)
        return await self._one(row)

    async def _one(self, row: QuestionRow) -> Question:
        tags = await self._tags_of([row.id])
        return to_question(row, tags.get(row.id, ()))

    async def _many(self, rows: Sequence[QuestionRow]) -> list[Question]:
        tags = await self._tags_of([r.id for r in rows])
        return [to_question(r, tags.get(r.id, ())) for r in rows]

    async def _tags_of(self, question_ids: Sequence[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        if question_ids:
            rows = await self.s.execute(
                select(QuestionTagRow.question_id, TagRow.name).join(TagRow, TagRow.id == QuestionTagRow.tag_id)
                .where(QuestionTagRow.question_id.in_(list(question_ids))).order_by(TagRow.name))
            for question_id, name in rows:
                found.setdefault(question_id, []).append(name)
        return found

    async def _row(self, community_id: int, **where: object) -> QuestionRow | None:
        query = select(QuestionRow).where(QuestionRow.community_id == community_id)
        for name, value in where.items():
            query = query.where(getattr(QuestionRow, name) == value)
        return await self.s.scalar(query.limit(1))

    async def get(self, community_id: int, number: int) -> Question | None:
        row = await self._row(community_id, number=number)
        return await self._one(row) if row else None

    async def by_id(self, community_id: int, question_id: int) -> Question | None:
        row = await self._row(community_id, id=question_id)
        return await self._one(row) if row else None

    async def by_message(self, community_id: int, platform: str, workspace_id: str,
                         message_id: str) -> Question | None:
        row = await self._row(community_id, platform=platform, workspace_id=workspace_id, message_id=message_id)
        if row is None:
            mirrored = await self._mirror_of(community_id, platform, workspace_id, message_id, answer=False)
            row = await self._row(community_id, id=mirrored) if mirrored else None
        return await self._one(row) if row else None

    async def _mirror_of(self, community_id: int, platform: str, workspace_id: str, message_id: str, *,
                         answer: bool) -> int | None:
        """The question (or, `answer`, the answer) whose mirror this message is."""
        column = MirrorRow.answer_id if answer else MirrorRow.question_id
        return await self.s.scalar(select(column).where(
            MirrorRow.community_id == community_id, MirrorRow.platform == platform,
            MirrorRow.workspace_id == workspace_id, MirrorRow.message_id == message_id,
            MirrorRow.answer_id.is_not(None) if answer else MirrorRow.answer_id.is_(None)).limit(1))

    async def add_mirror(self, community_id: int, question_id: int, *, answer_id: int | None, place: dict,
                         at: datetime) -> None:
        self.s.add(MirrorRow(community_id=community_id, question_id=question_id, answer_id=answer_id,
                             platform=place["platform"], workspace_id=place["workspace_id"],
                             channel_id=place["channel_id"], message_id=place["message_id"],
                             thread_id=place.get("thread_id"), created_at=at))
        await self.s.flush()

    async def mirrors(self, community_id: int, question_id: int) -> list[Mirror]:
        rows = await self.s.scalars(select(MirrorRow).where(
            MirrorRow.community_id == community_id, MirrorRow.question_id == question_id).order_by(MirrorRow.id))
        return [Mirror(r.question_id, r.answer_id, r.platform, r.workspace_id, r.channel_id, r.message_id,
                       r.thread_id) for r in rows]

    async def set_tags(self, community_id: int, question_id: int, tag_ids: Sequence[int]) -> None:
        await self.s.execute(QuestionTagRow.__table__.delete().where(QuestionTagRow.question_id == question_id))
        if tag_ids:
            await self.s.execute(QuestionTagRow.__table__.insert(), [
                {"community_id": community_id, "question_id": question_id, "tag_id": t} for t in dict.fromkeys(tag_ids)])

    async def update(self, community_id: int, question_id: int, **fields: object) -> Question:
        row = await self._row(community_id, id=question_id)
        for name, value in fields.items():
            setattr(row, name, value)
        await self.s.flush()
        await self._refresh_search(row)
        return await self._one(row)

    async def _refresh_search(self, row: QuestionRow) -> None:
        """The text /search finds the question by: its own and its accepted answers', while it is posted."""
        wanted = ""
        if row.status in POSTED:
            accepted = await self.s.scalars(select(AnswerRow.text).where(
                AnswerRow.question_id == row.id, AnswerRow.accepted_at.is_not(None), AnswerRow.deleted_at.is_(None))
                .order_by(AnswerRow.number))
            wanted = "\n".join(t for t in [row.text, *accepted] if t)
        if row.search_text != wanted:
            row.search_text = wanted
            await self.s.flush()

    async def _refresh(self, question_ids: Sequence[int]) -> None:
        for row in await self.s.scalars(select(QuestionRow).where(QuestionRow.id.in_(list(question_ids)))):
            await self._refresh_search(row)

    # Answers --------------------------------------------------------------------------------

    async def add_answer(self, community_id: int, question_id: int, *, author_id: int, text: str,
                         place: dict, at: datetime) -> Answer:
        last = select(func.max(AnswerRow.number)).where(AnswerRow.question_id == question_id).scalar_subquery()
        last, asker_id = (await self.s.execute(select(last, QuestionRow.asker_id).where(
            QuestionRow.id == question_id))).one()
        row = AnswerRow(community_id=community_id, question_id=question_id, number=(last or 0) + 1,
                        author_id=author_id, text=text, platform=place["platform"],
                        workspace_id=place["workspace_id"], channel_id=place["channel_id"],
                        message_id=place["message_id"], created_at=at, kudos_given=False,
                        by_asker=author_id == asker_id)
        self.s.add(row)
        await self.s.flush()
        return to_answer(row)

    async def answers(self, community_id: int, question_id: int) -> list[Answer]:
        rows = await self.s.scalars(select(AnswerRow).where(
            AnswerRow.community_id == community_id, AnswerRow.question_id == question_id).order_by(AnswerRow.number))
        return [to_answer(r) for r in rows]

    async def answer_by_message(self, community_id: int, platform: str, workspace_id: str,
                                message_id: str) -> Answer | None:
        row = await self.s.scalar(select(AnswerRow).where(
            AnswerRow.community_id == community_id, AnswerRow.platform == platform,
            AnswerRow.workspace_id == workspace_id, AnswerRow.message_id == message_id).limit(1))
        return to_answer(row) if row else None

    async def answer_by_copy(self, community_id: int, platform: str, workspace_id: str,
                             message_id: str) -> Answer | None:
        answer_id = await self._mirror_of(community_id, platform, workspace_id, message_id, answer=True)
        row = await self.s.scalar(select(AnswerRow).where(AnswerRow.id == answer_id)) if answer_id else None
        return to_answer(row) if row else None

    async def _answer_update(self, community_id: int, answer_id: int, **values: object) -> None:
        question_id = (await self.s.execute(
            update(AnswerRow).where(AnswerRow.community_id == community_id, AnswerRow.id == answer_id)
            .values(**values).returning(AnswerRow.question_id))).scalar_one()
        await self._refresh([question_id])

    async def accept(self, community_id: int, answer_id: int, *, by_id: int, at: datetime,
                     text: str | None = None) -> None:
        await self._answer_update(community_id, answer_id, accepted_at=at, accepted_by_id=by_id,
                                  **({"text": text} if text is not None else {}))

    async def unaccept_all(self, community_id: int, question_id: int) -> None:
        await self.s.execute(update(AnswerRow).where(
            AnswerRow.community_id == community_id, AnswerRow.question_id == question_id)
            .values(accepted_at=None, accepted_by_id=None))
        await self._refresh([question_id])

    async def kudos_given(self, community_id: int, answer_id: int) -> None:
        await self.s.execute(update(AnswerRow).where(AnswerRow.community_id == community_id,
                                                     AnswerRow.id == answer_id).values(kudos_given=True))

    async def delete_answer(self, community_id: int, answer_id: int, at: datetime) -> None:
        await self._answer_update(community_id, answer_id, deleted_at=at, text="", accepted_at=None,
                                  accepted_by_id=None)

    # Reading --------------------------------------------------------------------------------

    async def listing(self, community_id: int, *, statuses: Sequence[str], unanswered: bool = False,
                      asker_id: int | None = None, tag_id: int | None = None, limit: int = 10) -> list[Question]:
        query = select(QuestionRow).where(QuestionRow.community_id == community_id,
                                          QuestionRow.status.in_(list(statuses)))
        if unanswered:
            query = query.where(QuestionRow.first_answer_at.is_(None))
        if asker_id is not None:
            query = query.where(QuestionRow.asker_id == asker_id)
        if tag_id is not None:
            query = query.where(QuestionRow.id.in_(select(QuestionTagRow.question_id).where(
                QuestionTagRow.tag_id == tag_id)))
        rows = await self.s.scalars(query.order_by(QuestionRow.created_at.desc(), QuestionRow.id.desc()).limit(limit))
        return await self._many(list(rows))

    async def search(self, community_id: int, words: Sequence[str], *, any_word: bool = False,
                     tag_id: int | None = None, solved_only: bool = False, limit: int = 5) -> list[SearchHit]:
        if not words:
            return []
        postgres = self.s.bind.dialect.name == "postgresql"
        if postgres:
            query = (" | " if any_word else " & ").join(words)
        else:
            query = (" OR " if any_word else " ").join(f'"{w}"' for w in words)
        filters = (f" AND q.status = '{SOLVED}'" if solved_only else "") + (f" AND {_TAG_FILTER}" if tag_id else "")
        params = {"query": query, "community_id": community_id, "limit": limit, "ranked": RANKED}
        if tag_id:
            params["tag_id"] = tag_id
        if postgres:
            statement = text(_POSTGRES_SEARCH.format(filters=filters))
        else:
            params["ranked"] = RANKED - 1  # the offset of the last one ranked
            floor = await self.s.scalar(text(_SQLITE_FLOOR.format(filters=filters)), params)
            params["floor"] = floor or 0
            statement = text(_SQLITE_SEARCH.format(filters=filters))
        found = [(qid, snip) for qid, snip in await self.s.execute(statement, params)]
        if not found:
            return []
        ids = [qid for qid, _ in found]
        rows = {r.id: r for r in await self.s.scalars(select(QuestionRow).where(QuestionRow.id.in_(ids)))}
        questions = {q.id: q for q in await self._many(list(rows.values()))}
        accepted: dict[int, list[Answer]] = {}
        for row in await self.s.scalars(select(AnswerRow).where(
                AnswerRow.question_id.in_(ids), AnswerRow.accepted_at.is_not(None), AnswerRow.deleted_at.is_(None))
                .order_by(AnswerRow.number)):
            accepted.setdefault(row.question_id, []).append(to_answer(row))
        return [SearchHit(questions[qid], snip or "", tuple(accepted.get(qid, ()))) for qid, snip in found]

    async def helpers_for(self, community_id: int, tag_ids: Sequence[int], since: datetime,
                          limit: int | None = None, accepted: Mapping[int, int] | None = None) -> list[tuple[int, int]]:
        """`accepted`: `accepted_answers` of these tags, when read already."""
        if not tag_ids:
            return []
        tags = list(tag_ids)
        scores: dict[int, int] = {}
        accepted = (accepted if accepted is not None else await self.accepted_answers(community_id, tags, since)).items()
        kudos = (await received_in_tags(self.s, community_id, tags, since)).items()
        for member_id, n in [*accepted, *kudos]:
            scores[member_id] = scores.get(member_id, 0) + n
        ranked = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
        found: list[tuple[int, int]] = []
        # whether each is still here, read best first and only as far as `limit` needs (a year of a big
        # community scores a thousand members, and the digest wants one)
        step = len(ranked) if limit is None else max(4 * limit, 20)
        for start in range(0, len(ranked), step or 1):
            chunk = ranked[start:start + step]
            here = set(await self.s.scalars(select(MemberRow.id).where(
                *by_ids(self.s, MemberRow, community_id, [m for m, _ in chunk]),
                MemberRow.erased_at.is_(None), MemberRow.is_bot.is_(False), MemberRow.left_at.is_(None))))
            found += [(m, n) for m, n in chunk if m in here]
            if limit is not None and len(found) >= limit:
                return found[:limit]
        return found

    async def for_escalation(self, community_id: int, question_id: int) -> UnansweredQuestion | None:
        """What escalation (bot/features/topics/escalation.py) reads: None once the question is no longer open."""
        question = await self.by_id(community_id, question_id)
        if question is None or question.status != OPEN:
            return None
        tag_ids = tuple(await self.s.scalars(select(QuestionTagRow.tag_id).where(
            QuestionTagRow.question_id == question_id)))
        return UnansweredQuestion(question.id, question.asker_id, tag_ids, question.posted_at or question.created_at,
                                  answered=question.first_answer_at is not None, title=question.text[:200])

    async def accepted_answers(self, community_id: int, tag_ids: Sequence[int], since: datetime) -> dict[int, int]:
        if not tag_ids:
            return {}
        rows = await self.s.execute(self._accepted_under(community_id, tag_ids, since, AnswerRow.author_id,
                                                         func.count(func.distinct(AnswerRow.id)))
                                    .group_by(AnswerRow.author_id))
        return {member_id: int(n) for member_id, n in rows}

    async def accepted_rows(self, community_id: int, tag_ids: Sequence[int],
                            since: datetime) -> list[tuple[int, int, int]]:
        """(answer, author, tag) of `accepted_answers`: read once for the tags of several questions, each then
        counted apart (`accepted_by_author`)."""
        if not tag_ids:
            return []
        rows = await self.s.execute(self._accepted_under(community_id, tag_ids, since, AnswerRow.id,
                                                         AnswerRow.author_id, QuestionTagRow.tag_id))
        return [tuple(row) for row in rows.all()]

    def _accepted_under(self, community_id: int, tag_ids: Sequence[int], since: datetime, *columns):
        """The accepted answers since `since` in questions under these tags: the window's accepted answers
        (ix_question_answers_accepted), then their questions' tags, one probe per question on SQLite (by
        question id, the tags compared there: one probe per tag before, 36 -> 25 ms at 23,000 answers)."""
        tag = sqlite_unindexed(self.s, QuestionTagRow.tag_id)
        return (select(*columns).join(QuestionTagRow, QuestionTagRow.question_id == AnswerRow.question_id)
                .where(AnswerRow.community_id == community_id, tag.in_(list(tag_ids)),
                       AnswerRow.accepted_at >= since, AnswerRow.deleted_at.is_(None)))

    async def merge_member(self, community_id: int, from_id: int, into_id: int) -> None:
        """Two identities linked into one person: their questions, answers and markings become the kept member's."""
        for column in (QuestionRow.asker_id, AnswerRow.author_id, AnswerRow.accepted_by_id):
            await self.s.execute(update(column.class_).where(column.class_.community_id == community_id,
                                                             column == from_id).values({column.key: into_id}))
        await self.s.execute(asker_replies_statement(community_id, into_id))  # one may have answered the other

    async def deflections(self, community_id: int, since: datetime) -> int:
        return await self.s.scalar(select(func.count()).where(
            QuestionRow.community_id == community_id, QuestionRow.status == DEFLECTED,
            QuestionRow.closed_at >= since)) or 0

    async def erase_texts(self, community_id: int, member_id: int) -> None:
        asked = list(await self.s.scalars(update(QuestionRow).where(
            QuestionRow.community_id == community_id, QuestionRow.asker_id == member_id)
            .values(text="").returning(QuestionRow.id)))
        answered = list(await self.s.scalars(update(AnswerRow).where(
            AnswerRow.community_id == community_id, AnswerRow.author_id == member_id)
            .values(text="").returning(AnswerRow.question_id)))
        await self._refresh(sorted({*asked, *answered}))


def asker_replies_statement(community_id: int, author_id: int | None = None):
    """`by_asker` of a community's answers set again from their questions' askers: of the answers this member
    wrote, or all (after an import). After two identities are merged only the kept member's answers can change:
    an answer becomes the asker's own only when both its author and its asker are now that member."""
    a, q = AnswerRow.__table__.c, QuestionRow.__table__.c
    where = [a.community_id == community_id]
    if author_id is not None:
        where.append(a.author_id == author_id)
    asker = select(q.asker_id).where(q.id == a.question_id).scalar_subquery()
    return update(AnswerRow.__table__).where(*where).values(by_asker=a.author_id == asker)


def accepted_by_author(rows: Sequence[tuple[int, int, int]], tag_ids: Sequence[int]) -> dict[int, int]:
    """`accepted_rows` counted as `accepted_answers` counts them, for these of their tags."""
    wanted, answers = set(tag_ids), {}
    for answer, author, tag in rows:
        if tag in wanted:
            answers.setdefault(author, set()).add(answer)
    return {author: len(found) for author, found in answers.items()}
