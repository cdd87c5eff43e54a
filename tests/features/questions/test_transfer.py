"""A community's questions, tags and answers move with `copbot export`/`import`, and are found by search there."""

from __future__ import annotations

import io

from storage.transfer import import_community
from storage.transfer_export import export_community
from tests.features.questions.test_solutions import answered, asked


async def test_questions_move_with_their_answers_and_stay_searchable(qa):
    post = await asked(qa)
    await answered(qa, post, "dan", "Use the URL inspection tool.")
    await qa.say(":as bob", "/solved 1", "/ask Which dashboard for ads? #ads")
    async with qa.app.core.uow_factory() as uow:
        name = (await uow.communities.all())[0].name
    buffer = io.BytesIO()
    await export_community(qa.app.engine, name, buffer.write)
    imported = await import_community(qa.app.engine, io.BytesIO(buffer.getvalue()), new_name="Copy")
    async with qa.app.core.uow_factory() as uow:
        hits = await uow.questions.search(imported.community_id, ["inspection"])
        listed = await uow.questions.listing(imported.community_id, statuses=["open", "solved"])
    assert [(h.question.number, h.question.tags, [a.text for a in h.accepted]) for h in hits] == [
        (1, ("seo", "tech"), ["Use the URL inspection tool."])]
    assert sorted(q.number for q in listed) == [1, 2]
