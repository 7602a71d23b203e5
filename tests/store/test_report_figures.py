"""The store's side of the admin reports, for every adapter: the figures written with each
battle, read back over ranges of days, and the reports' cached results."""

from __future__ import annotations

from dataclasses import replace

from game.pipeline import Action, Report, ReportKind, Verdict, new_submission
from game.pipeline import Review as PeerReview
from game.record import AttemptEntry, Method, Outcome, QuestionEntry
from game.statistics import TIME_BINS, NearMissCount
from tests.store.samples import make_battle, make_question

DAY = 20_000
NOON = DAY * 86_400 + 12 * 3_600.0


def refused(user: str, text: str) -> AttemptEntry:
    return AttemptEntry(user, Method.TYPED, text, False, "not the answer", 4_000)


def test_a_battle_adds_each_questions_play_on_its_day(store, run):
    run(store.record_battle(make_battle("b1", finished_at=NOON, question_ids=["q1", "q2"])))
    run(store.record_battle(make_battle("b2", finished_at=NOON + 60, question_ids=["q1"])))

    q1, q2 = run(store.question_play_between(DAY, DAY))

    assert (q1.question_id, q1.asked, q1.right, q1.wrong, q1.right_typed) == ("q1", 4, 2, 2, 2)
    assert q1.right_ms_bins[2] == 2 and sum(q1.right_ms_bins) == 2 and q2.asked == 2
    assert len(q1.right_ms_bins) == TIME_BINS


def test_play_is_read_for_the_days_asked_and_the_category_asked(store, run):
    run(store.upsert_question(make_question("q1", category="music")))
    run(store.upsert_question(make_question("q2", category="sport")))
    run(store.record_battle(make_battle("b1", finished_at=NOON, question_ids=["q1", "q2"])))
    run(store.record_battle(make_battle("b2", finished_at=NOON + 86_400, question_ids=["q1"])))

    day_one = run(store.question_play_between(DAY, DAY))
    music = run(store.question_play_between(DAY, DAY + 1, "music"))
    later = run(store.question_play_between(DAY + 2, DAY + 9))

    assert [q.question_id for q in day_one] == ["q1", "q2"]
    assert [(q.question_id, q.asked) for q in music] == [("q1", 4)] and later == []


def test_refused_texts_are_counted_together_however_they_were_written(store, run):
    battle = make_battle("b1", finished_at=NOON, question_ids=["q1"])
    attempts = (refused("ann", "Saturn"), refused("bob", " saturn"))
    battle = replace(battle, questions=(QuestionEntry("q1", attempts),), winner_id=None)
    again = replace(battle, id="b2", questions=(QuestionEntry("q1", (refused("ann", "Mars"),)),))
    run(store.record_battle(battle))
    run(store.record_battle(again))

    misses = run(store.near_misses_between(DAY, DAY))

    assert misses == [
        NearMissCount("q1", "saturn", "Saturn", "not the answer", 2),  # as first written
        NearMissCount("q1", "mars", "Mars", "not the answer", 1),
    ]


def test_activity_counts_battles_players_outcomes_and_the_busiest_moment(store, run):
    first = make_battle("b1", finished_at=NOON, players=["ann", "bob"])  # from NOON - 150
    overlapping = make_battle("b2", finished_at=NOON + 100, players=["cyd", "dee"])
    with_bot = make_battle("b3", finished_at=NOON + 3_600, players=["ann", "bot-1"], bots=["bot-1"])
    aborted = replace(
        make_battle("b4", finished_at=NOON + 86_400, players=["eve", "fay"]),
        outcome=Outcome.ABORTED,
        winner_id=None,
    )
    for record in (first, overlapping, with_bot, aborted):
        run(store.record_battle(record))

    activity = run(store.activity_between(NOON - 3_600, NOON + 2 * 86_400))

    assert activity.battles == 4 and activity.with_bot == 1 and activity.players == 6
    assert activity.peak_players == 4
    assert activity.outcomes == {"finished": 3, "aborted": 1}
    assert activity.by_day == {DAY: 3, DAY + 1: 1} and activity.by_hour == {12: 3, 13: 1}
    assert run(store.activity_between(NOON + 10, NOON + 20)).battles == 0


def test_activity_can_be_read_for_one_category(store, run):
    run(store.record_battle(make_battle("b1", finished_at=NOON)))  # science
    run(store.record_battle(replace(make_battle("b2", finished_at=NOON), category="music")))

    assert run(store.activity_between(0, NOON + 1, "music")).battles == 1


def test_reveal_latencies_add_up_per_hour_and_bucket(store, run):
    hour = int(NOON // 3_600)
    run(store.add_reveal_latencies(hour, {10: 3, 20: 1}))
    run(store.add_reveal_latencies(hour, {10: 2}))
    run(store.add_reveal_latencies(hour + 5, {50: 1}))

    assert run(store.reveal_latencies_between(NOON, NOON + 3_600)) == {10: 5, 20: 1}
    assert run(store.reveal_latencies_between(NOON, NOON + 6 * 3_600)) == {10: 5, 20: 1, 50: 1}


def test_one_build_of_a_report_at_a_time_until_its_claim_lapses(store, run):
    assert run(store.cached_report_result("quality")) is None

    assert run(store.claim_report_build("quality", now=100.0, claim_seconds=60)) is True
    assert run(store.claim_report_build("quality", now=130.0, claim_seconds=60)) is False
    run(store.report_build_progress("quality", 0.5))
    building = run(store.cached_report_result("quality"))
    assert (building.data, building.building_since, building.progress) == (None, 100.0, 0.5)
    assert run(store.claim_report_build("quality", now=161.0, claim_seconds=60)) is True


def test_a_saved_report_is_served_and_ends_its_build(store, run):
    run(store.claim_report_build("quality", now=100.0, claim_seconds=60))

    run(store.save_report_result("quality", {"rows": [1, 2]}, built_at=110.0))

    cached = run(store.cached_report_result("quality"))
    assert (cached.data, cached.built_at, cached.building_since) == ({"rows": [1, 2]}, 110.0, None)
    assert run(store.claim_report_build("quality", now=111.0, claim_seconds=60)) is True


def test_the_pipelines_moves_and_reviews_are_read_for_a_time_range(store, run):
    question = make_question("u-1", published=False)
    run(store.add_submission(*new_submission(question, "ann", NOON)))
    run(store.save_review(PeerReview("u-1", "bob", Verdict.CORRECT, 4, 2, "", NOON + 10)))

    changes = run(store.changes_between(NOON - 1, NOON + 1))
    reviews = run(store.reviews_between(NOON, NOON + 60))

    assert [(c.question_id, c.action) for c in changes] == [("u-1", Action.SUBMIT)]
    assert [(r.reviewer_id, r.verdict) for r in reviews] == [("bob", Verdict.CORRECT)]
    assert run(store.changes_between(NOON + 1, NOON + 2)) == []


def test_players_reports_are_counted_by_question_and_kind(store, run):
    for battle_id, reporter, kind in [
        ("b1", "ann", ReportKind.WRONG_FACT),
        ("b2", "bob", ReportKind.WRONG_FACT),
        ("b2", "cyd", ReportKind.AMBIGUOUS),
    ]:
        run(store.save_report(Report(battle_id, "q1", reporter, kind, "", NOON)))
    run(store.save_report(Report("b3", "q1", "dee", ReportKind.OFFENSIVE, "", NOON + 86_400)))

    counts = run(store.report_counts_between(NOON - 1, NOON + 1))

    assert counts == {("q1", ReportKind.WRONG_FACT): 2, ("q1", ReportKind.AMBIGUOUS): 1}


def test_many_battles_are_written_at_once_as_each_would_be_alone(store, run):
    records = [make_battle(f"b{i}", finished_at=NOON + i) for i in range(3)]
    run(store.record_battle(records[0]))

    written = run(store.record_battles(records))

    assert written == 2
    assert [b.id for b in run(store.battles_of("ann"))] == ["b2", "b1", "b0"]
    assert run(store.activity_between(NOON - 1, NOON + 10)).battles == 3
    assert run(store.question_stats(["q1"]))["q1"].asked == 6
