"""Each report built from a real store's figures, and how a report is served from its cache."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from game.pipeline import Action, Report, ReportKind, Review, Verdict, new_submission, transition
from game.questions import Question
from game.record import AttemptEntry, BattleRecord, Method, Outcome, PlayerEntry, QuestionEntry
from services.alias_guard import AnswerIndex
from services.reports import activity, near_misses, pipeline, quality
from services.reports.catalog import REPORTS
from services.reports.document import find_table, to_csv
from services.reports.filters import FilterError, ReportFilters, read_filters
from services.reports.progress import no_progress
from services.reports.serving import CLAIM_SECONDS, build_and_save, serve
from store.sqlite import SQLiteStore
from tasks.queue import QueueUnavailable

DAY = 20_000
NOON = DAY * 86_400 + 12 * 3_600.0
WEEK = ReportFilters(DAY - 6, DAY)
CAPITAL = Question("geo-1", "geography", 1, "What is the capital of Australia?", "Canberra",
                   ("Sydney", "Melbourne", "Perth"))  # fmt: skip
PLANET = Question("space-1", "space", 3, "Which planet is largest?", "Jupiter",
                  ("Saturn", "Mars", "Venus"))  # fmt: skip


def attempt(user: str, text: str, correct: bool, at_ms: int, method: Method = Method.TYPED,
            typos: int = 0, reason: str = "") -> AttemptEntry:  # fmt: skip
    points = (3 if method is Method.TYPED else 1) if correct else 0
    why = reason or ("exact" if correct else "not the answer")
    return AttemptEntry(user, method, text, correct, why, at_ms, points, typos)


def battle(battle_id: str, question: Question, *attempts: AttemptEntry, at: float = NOON,
           players: tuple[str, str] = ("ann", "bob")) -> BattleRecord:  # fmt: skip
    taken = next((a.user_id for a in attempts if a.correct), None)
    seats = tuple(PlayerEntry(p, p.title()) for p in players)
    entry = QuestionEntry(question.id, attempts, taken)
    return BattleRecord(battle_id, at - 100, at, Outcome.FINISHED, seats, (entry,), taken,
                        question.category)  # fmt: skip


def rows(data: dict[str, Any], table_id: str) -> list[dict[str, Any]]:
    found = find_table(data, table_id)
    assert found is not None, table_id
    return list(found["rows"])


def fill(store, run, *records: BattleRecord, questions=(CAPITAL, PLANET)) -> None:
    for question in questions:
        run(store.upsert_question(question))
    for record in records:
        run(store.record_battle(record))


def test_quality_tells_plays_share_right_times_and_typos_per_question(store, run):
    fill(
        store,
        run,
        battle("b1", CAPITAL, attempt("bob", "Sydney", False, 900),
               attempt("ann", "Canbera", True, 2_400, typos=1)),
        battle("b2", CAPITAL, attempt("ann", "Canberra", True, 1_200, Method.CHOICE)),
    )  # fmt: skip

    data = run(quality.build(store, WEEK, no_progress))

    (row,) = [r for r in rows(data, "questions") if r["question_id"] == "geo-1"]
    assert (row["plays"], row["right_pct"], row["typed"], row["choice"]) == (4, 50.0, 1, 1)
    assert (row["mean_s"], row["typos_pct"], row["category"]) == (1.8, 100.0, "Geography")
    assert row["measured"] is None  # four plays say nothing yet


def test_quality_lists_a_surely_mislabelled_question_and_one_to_review_again(store, run):
    misses = [
        battle(f"b{i}", CAPITAL, attempt("ann", "Perth", False, 3_000),
               attempt("bob", "Perth", False, 3_500))
        for i in range(30)
    ]  # fmt: skip
    fill(store, run, *misses)

    data = run(quality.build(store, WEEK, no_progress))

    (relabel,) = rows(data, "relabel")
    assert (relabel["question_id"], relabel["label"], relabel["measured"]) == (
        "geo-1",
        "easy",
        "hard",
    )
    (pull,) = rows(data, "pull-back")
    assert pull["why"] == "right 0 times in 60 plays: its answer may be wrong"


def test_reports_by_kind_count_in_the_quality_report(store, run):
    fill(store, run, battle("b1", PLANET, attempt("ann", "Jupiter", True, 1_000)))
    for reporter, kind in (("ann", ReportKind.WRONG_FACT), ("bob", ReportKind.AMBIGUOUS)):
        run(store.save_report(Report("b1", "space-1", reporter, kind, "", NOON)))

    data = run(quality.build(store, WEEK, no_progress))

    (row,) = [r for r in rows(data, "questions") if r["question_id"] == "space-1"]
    assert row["reports"] == 2 and row["report_kinds"] == "1 wrong fact, 1 ambiguous"


def test_near_misses_keep_texts_close_to_the_answer_and_warn_about_other_answers(store, run):
    fill(
        store,
        run,
        battle("b1", PLANET, attempt("ann", "Jupitar planet", False, 900),
               attempt("bob", "Saturn", False, 1_000, reason="'Saturn' is a different answer")),
        battle("b2", PLANET, attempt("ann", "jupitar  planet", False, 900),
               attempt("bob", "Potato", False, 1_000)),
        battle("b3", CAPITAL, attempt("ann", "Canbera city", False, 900)),
    )  # fmt: skip

    data = run(near_misses.build(store, WEEK, no_progress))

    found = {(r["typed"], r["count"], r["warning"]) for r in rows(data, "near-misses")}
    assert ("Jupitar planet", 2, "") in found
    assert ("Canbera city", 1, "") in found
    assert not any(typed == "Potato" for typed, _, _ in found)


def test_a_near_miss_that_is_a_wrong_choice_or_another_answer_is_flagged():
    question = replace(PLANET, wrong=("Jupyter", "Mars", "Venus"))
    index = AnswerIndex([question, CAPITAL])

    assert index.warning("jupyter", question) == "It is one of this question's wrong choices."
    assert index.warning("Canberra", question) == "It is the answer to another question."
    assert index.warning("Jupiter", question) == ""


def test_activity_counts_battles_players_and_outcomes_for_the_days_asked(store, run):
    fill(
        store,
        run,
        battle("b1", CAPITAL, at=NOON),
        battle("b2", CAPITAL, at=NOON + 30, players=("cyd", "dee")),
        replace(battle("b3", PLANET, at=NOON - 3 * 86_400), outcome=Outcome.FORFEIT),
        battle("b4", PLANET, at=NOON - 30 * 86_400),  # before the week asked for
    )
    run(store.add_reveal_latencies(int(NOON // 3_600), {2: 98, 50: 2}))

    data = run(activity.build(store, WEEK, no_progress))

    headline = {item["label"]: item["value"] for item in data["headline"]}
    assert headline["Battles"] == "3" and headline["Players"] == "4"
    assert headline["Most at once"] == "4"
    assert headline["Answer to reveal, median"] == "2–5\u00a0ms"
    assert headline["Answer to reveal, p99"] == "50–100\u00a0ms"
    outcomes = {r["outcome"]: r["battles"] for r in rows(data, "outcomes")}
    assert outcomes == {"Played to the end": 2, "Forfeited": 1, "Called off": 0}
    assert len(rows(data, "per-day-table")) == 7


def test_the_pipeline_report_tells_moves_waits_and_reviewer_agreement(store, run):
    question = replace(CAPITAL, id="u-1", published=False)
    submission, change = new_submission(question, "author", NOON)
    run(store.add_submission(submission, change))
    run(store.save_review(Review("u-1", "rev-1", Verdict.CORRECT, 4, 1, "", NOON + 3_600)))
    run(store.save_review(Review("u-1", "rev-2", Verdict.WRONG, 2, 1, "", NOON + 3_700)))
    published, change = transition(submission, Action.PUBLISH, by="mod", now=NOON + 7_200)
    run(store.change_submission(published, change))

    data = run(pipeline.build(store, WEEK, no_progress))

    headline = {item["label"]: item["value"] for item in data["headline"]}
    assert headline["Submitted"] == "1" and headline["Published"] == "1"
    assert headline["Reviews agreeing with moderators"] == "50.0%"
    waiting = {r["state"]: r["median_hours"] for r in rows(data, "states")}
    assert waiting["Waiting for reviews"] == 2.0


def test_a_table_exports_as_csv_and_a_typed_formula_stays_text():
    table = {
        "columns": [{"key": "typed", "label": "Typed"}, {"key": "count", "label": "Times"}],
        "rows": [{"typed": "=HYPERLINK(1)", "count": 3}, {"typed": "-5", "count": None}],
    }

    assert to_csv(table).splitlines() == ["Typed,Times", "'=HYPERLINK(1),3", "-5,"]


@pytest.mark.parametrize(
    ("fields", "wanted"),
    [
        ({}, ReportFilters(DAY - 29, DAY)),
        ({"from": "2024-10-01", "to": "2024-10-07"}, ReportFilters(19_997, 20_003)),
        ({"category": "music"}, ReportFilters(DAY - 29, DAY, "music")),
    ],
)
def test_filters_are_read_from_the_form(fields, wanted):
    assert read_filters(fields, today=DAY) == wanted


@pytest.mark.parametrize(
    "fields",
    [{"from": "yesterday"}, {"from": "2024-10-07", "to": "2024-10-01"},
     {"category": "astrology"}, {"from": "2020-01-01", "to": "2024-01-01"}],
)  # fmt: skip
def test_filters_that_cannot_be_read_are_refused_with_a_reason(fields):
    with pytest.raises(FilterError):
        read_filters(fields, today=DAY)


class Queue:
    def __init__(self, down: bool = False) -> None:
        self.asked: list[tuple[str, dict[str, object]]] = []
        self.down = down

    async def build_report(self, name: str, filters: dict[str, object]) -> None:
        if self.down:
            raise QueueUnavailable("broker down")
        self.asked.append((name, filters))


def never(*_: object) -> Any:
    raise AssertionError("no build in this process was expected")


def test_a_report_never_built_is_queued_once_and_shows_its_progress(store, run):
    spec, queue = REPORTS["activity"], Queue()

    first = run(serve(store, queue, spec, WEEK, NOON, own_store=never))
    again = run(serve(store, queue, spec, WEEK, NOON + 1, own_store=never))

    assert first.data is None and first.building and again.building
    assert queue.asked == [("activity", WEEK.to_dict())]


def test_a_fresh_copy_is_served_as_it_is_and_a_stale_one_is_refreshed_meanwhile(store, run):
    spec, queue = REPORTS["activity"], Queue()
    run(build_and_save(store, "activity", WEEK, clock=lambda: NOON))

    fresh = run(serve(store, queue, spec, WEEK, NOON + 10, own_store=never))
    stale = run(serve(store, queue, spec, WEEK, NOON + spec.refresh_seconds + 1, own_store=never))

    assert fresh.data is not None and not fresh.building and queue.asked[:-1] == []
    assert stale.data == fresh.data and stale.building and len(queue.asked) == 1


def test_a_build_that_died_is_asked_for_again_after_its_claim_lapses(store, run):
    spec, queue = REPORTS["activity"], Queue()
    run(serve(store, queue, spec, WEEK, NOON, own_store=never))

    run(serve(store, queue, spec, WEEK, NOON + CLAIM_SECONDS + 1, own_store=never))

    assert len(queue.asked) == 2


def test_with_the_queue_down_the_report_is_built_on_a_thread_of_its_own(tmp_path, store, run):
    spec = REPORTS["activity"]
    served = run(
        serve(store, Queue(down=True), spec, WEEK, NOON,
              own_store=lambda: SQLiteStore(tmp_path / "kwissle.db"))
    )  # fmt: skip

    assert served.building
    run(_until_built(store, WEEK.key("activity")))


async def _until_built(store, key: str) -> None:
    async with asyncio.timeout(10):
        while (await store.cached_report_result(key)).data is None:
            await asyncio.sleep(0.02)  # polling the store for the other thread's write
