"""Question quality: how each published question plays, which are hardest and easiest, which
are labelled at the wrong level, and which go back for review."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from game.pipeline import ReportKind
from game.question_quality import disagrees, measure, median_ms, pull_back_reason
from game.questions import CATEGORY_NAMES, Question
from game.statistics import QuestionPlay
from services.reports.document import chart, figure, percent, report, table
from services.reports.filters import ReportFilters
from services.reports.progress import Progress
from store.port import Store

LIST_LENGTH = 10
LEVELS = {1: "easy", 2: "medium", 3: "hard"}
KIND_WORDS = {
    ReportKind.WRONG_FACT: "wrong fact",
    ReportKind.AMBIGUOUS: "ambiguous",
    ReportKind.OFFENSIVE: "offensive",
    ReportKind.JUDGED_WRONGLY: "judged wrongly",
}
SHARE_BANDS = [f"{low}–{low + 10}%" for low in range(0, 100, 10)]
COLUMNS = [
    ("question", "Question"),
    ("category", "Category"),
    ("label", "Labelled"),
    ("plays", "Plays"),
    ("right_pct", "Right %"),
    ("typed", "Right typed"),
    ("choice", "Right by choice"),
    ("mean_s", "Mean time to right (s)"),
    ("median_s", "Median time to right (s)"),
    ("typos_pct", "Typos forgiven %"),
    ("reports", "Reports"),
    ("report_kinds", "Reports by kind"),
    ("measured", "Measured"),
    ("interval", "90% interval of right %"),
]


async def build(store: Store, filters: ReportFilters, progress: Progress) -> dict[str, Any]:
    bank = {q.id: q for q in await store.published_questions(filters.category)}
    await progress(0.2)
    play = {
        p.question_id: p
        for p in await store.question_play_between(
            filters.first_day, filters.last_day, filters.category
        )
    }
    await progress(0.6)
    reports = await store.report_counts_between(filters.since, filters.until)
    await progress(0.8)
    rows = [_row(q, play.get(q.id), reports) for q in bank.values()]
    played = [r for r in rows if r["plays"]]
    judged = [r for r in played if r["measured"]]
    by_share = sorted(judged, key=lambda r: (r["share"], r["question"]))
    relabel = [r for r in judged if r["disagrees"]]
    pull = [r for r in played if r["pull_back"]]
    bands = Counter(min(9, int(r["share"] * 10)) for r in played)
    totals = [p for p in play.values() if p.question_id in bank]
    return report(
        "quality",
        "Question quality",
        filters.to_dict(),
        [
            figure("Questions played", f"{len(played)} of {len(bank)}"),
            figure("Plays", str(sum(p.asked for p in totals))),
            figure(
                "Right", _percent_text(sum(p.right for p in totals), sum(p.asked for p in totals))
            ),
            figure("Labelled at the wrong level", str(len(relabel))),
            figure("To review again", str(len(pull))),
        ],
        [
            chart(
                "share-right",
                "Questions by share of right answers",
                "bar",
                SHARE_BANDS,
                {"Questions": [bands.get(i, 0) for i in range(10)]},
                "share-right-table",
            )
        ],
        [
            table(
                "share-right-table",
                "Questions by share of right answers",
                [("band", "Right"), ("questions", "Questions")],
                [
                    {"band": band, "questions": bands.get(i, 0)}
                    for i, band in enumerate(SHARE_BANDS)
                ],
            ),
            table("hardest", "Hardest", COLUMNS, by_share[:LIST_LENGTH]),
            table("easiest", "Easiest", COLUMNS, by_share[::-1][:LIST_LENGTH]),
            table("relabel", "Labelled at the wrong level", COLUMNS, relabel),
            table("pull-back", "To review again", [*COLUMNS, ("why", "Why")], pull),
            table("questions", "Every published question", COLUMNS, sorted(rows, key=_by_plays)),
        ],
    )


def _row(
    question: Question, play: QuestionPlay | None, reports: dict[tuple[str, ReportKind], int]
) -> dict[str, Any]:
    play = play or QuestionPlay(question.id)
    measured = measure(play.right, play.asked)
    kinds = {kind: reports.get((question.id, kind), 0) for kind in ReportKind}
    mean = play.right_ms_total / play.right if play.right else None
    median = median_ms(play.right_ms_bins)
    return {
        "question_id": question.id,
        "question": question.text,
        "category": CATEGORY_NAMES.get(question.category, question.category),
        "label": LEVELS.get(question.difficulty, "unrated"),
        "difficulty": question.difficulty,
        "plays": play.asked,
        "share": play.right / play.asked if play.asked else 0.0,
        "right_pct": percent(play.right, play.asked),
        "typed": play.right_typed,
        "choice": play.right_choice,
        "mean_s": None if mean is None else round(mean / 1000, 1),
        "median_s": None if median is None else round(median / 1000, 1),
        "typos_pct": percent(play.right_with_typos, play.right_typed),
        "reports": sum(kinds.values()),
        "reports_by_kind": {kind.value: n for kind, n in kinds.items() if n},
        "report_kinds": ", ".join(f"{n} {KIND_WORDS[kind]}" for kind, n in kinds.items() if n),
        "measured": LEVELS[measured.level] if measured else None,
        "measured_level": measured.level if measured else None,
        "interval": f"{measured.low:.0%}–{measured.high:.0%}" if measured else None,
        "sure": bool(measured and measured.sure),
        "disagrees": disagrees(question.difficulty, measured),
        "why": (why := pull_back_reason(play.asked, play.right, sum(kinds.values()))),
        "pull_back": why is not None,
    }


def _by_plays(row: Mapping[str, Any]) -> tuple[int, str]:
    return -row["plays"], row["question"]


def _percent_text(part: int, whole: int) -> str:
    value = percent(part, whole)
    return "–" if value is None else f"{value}%"
