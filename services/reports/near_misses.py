"""Near misses: what players typed that the judge refused but that is close to the answer,
grouped and counted, most frequent first, with a warning where accepting it would be wrong."""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz

from game.normalize import normalize
from game.questions import Question
from game.statistics import NearMissCount
from services.alias_guard import AnswerIndex
from services.reports.document import chart, figure, report, table
from services.reports.filters import ReportFilters
from services.reports.progress import Progress
from store.port import Store

CLOSE_ENOUGH = 60  # rapidfuzz WRatio (0-100, fair to extra words) to an accepted answer
SCANNED = 5000  # the most frequent refused texts looked at
SHOWN = 200
CHARTED = 10
COLUMNS = [
    ("typed", "Typed"),
    ("count", "Times"),
    ("answer", "Answer"),
    ("question", "Question"),
    ("reason", "Judge's reason"),
    ("closeness", "Closeness"),
    ("warning", "Warning"),
]


async def build(store: Store, filters: ReportFilters, progress: Progress) -> dict[str, Any]:
    bank = {q.id: q for q in await store.published_questions()}
    await progress(0.2)
    misses = await store.near_misses_between(
        filters.first_day, filters.last_day, filters.category, SCANNED
    )
    await progress(0.7)
    answers = AnswerIndex(bank.values())
    rows = [
        row
        for miss in misses
        if (question := bank.get(miss.question_id)) is not None
        and (row := _row(miss, question, answers)) is not None
    ][:SHOWN]
    top = rows[:CHARTED]
    return report(
        "near-misses",
        "Near misses",
        filters.to_dict(),
        [
            figure("Near misses", str(len(rows))),
            figure("Times typed", str(sum(r["count"] for r in rows))),
            figure("Look like another answer", str(sum(bool(r["warning"]) for r in rows))),
        ],
        [
            chart(
                "top-near-misses",
                "Most frequent near misses",
                "bar",
                [f"{r['typed']} → {r['answer']}" for r in top],
                {"Times": [r["count"] for r in top]},
                "near-misses",
            )
        ],
        [table("near-misses", "Near misses, most frequent first", COLUMNS, rows)],
    )


def _row(miss: NearMissCount, question: Question, answers: AnswerIndex) -> dict[str, Any] | None:
    closeness = max(fuzz.WRatio(miss.key, normalize(text)) for text in question.accepted)
    if closeness < CLOSE_ENOUGH:
        return None
    return {
        "question_id": question.id,
        "question": question.text,
        "answer": question.answer,
        "typed": miss.text.strip(),
        "count": miss.count,
        "reason": miss.reason,
        "closeness": round(closeness),
        "warning": answers.warning(miss.text, question),
    }
