"""Questions whose figures in play call for a second look go back to the moderators by
themselves (game.question_quality.pull_back_reason), with the reason recorded; a moderator
publishes them again, edits or rejects them from the queue. Run now and then by the report
worker (the admin process asks for it); doing it twice changes nothing more.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from game.pipeline import Action, Change, State, Submission
from game.question_quality import pull_back_reason
from store.port import Store

log = logging.getLogger("kwissle.health")

RECALLED_BY = "kwissle"  # the name the question's history gives for an automatic recall
EVER = 1e18


async def pull_back(store: Store, now: float) -> list[tuple[str, str]]:
    """Recall every published question whose all-time figures say so; (id, why) of each."""
    bank = await store.published_questions()
    stats = await store.question_stats([q.id for q in bank])
    reported: dict[str, int] = {}
    for (question_id, _kind), count in (await store.report_counts_between(0, EVER)).items():
        reported[question_id] = reported.get(question_id, 0) + count
    recalled = []
    for question in bank:
        figures = stats.get(question.id)
        asked, right = (figures.asked, figures.right) if figures else (0, 0)
        why = pull_back_reason(asked, right, reported.get(question.id, 0))
        if why is None:
            continue
        why = f"pulled back automatically: {why}"
        existing = await store.get_submission(question.id)
        submission = Submission(
            replace(question, published=False),
            State.APPROVED,
            existing.created_at if existing else now,
            now,
            existing.round if existing else 1,
            why,
        )
        change = Change(question.id, Action.RECALL, State.PUBLISHED, State.APPROVED,
                        RECALLED_BY, now, why)  # fmt: skip
        if await store.recall_question(submission, change):
            log.info("question %s %s", question.id, why)
            recalled.append((question.id, why))
    return recalled
