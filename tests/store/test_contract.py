"""The store contract: every adapter in conftest.ADAPTERS must pass each of these tests."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from game.pipeline import (
    Action,
    Change,
    PointAward,
    Report,
    ReportKind,
    ReportStatus,
    Review,
    State,
    Verdict,
    new_submission,
    transition,
)
from game.record import Outcome, QuestionStats
from game.signin import LINK_LIFETIME, new_token
from store.port import (
    ContributorScore,
    DuplicateSubmissionError,
    HeadToHead,
    StaleSubmissionError,
    UpsertResult,
    User,
    UserKind,
)
from tests.store.samples import make_battle, make_question

ANN = User("ann", "Ann", UserKind.ACCOUNT, "ann@example.org", ("player", "moderator"), 12.5)


# lifecycle


def test_opening_an_open_store_again_keeps_its_data(store, run):
    run(store.save_user(ANN))

    run(store.open())

    assert run(store.get_user("ann")) == ANN


def test_everything_written_survives_close_and_reopen(store, new_store, run):
    battle = make_battle("b1")
    run(store.save_user(ANN))
    run(store.upsert_question(make_question("q1")))
    run(store.record_battle(battle))
    run(store.close())

    reopened = new_store()
    run(reopened.open())

    assert run(reopened.get_user("ann")) == ANN
    assert run(reopened.get_question("q1")) == make_question("q1")
    assert run(reopened.get_battle("b1")) == battle
    assert run(reopened.question_stats(["q1"])) == {"q1": battle.stat_deltas()["q1"]}
    run(reopened.close())


def test_closing_a_closed_store_is_harmless(store, run):
    run(store.close())

    run(store.close())


# users


def test_a_saved_user_reads_back_equal(store, run):
    run(store.save_user(ANN))

    assert run(store.get_user("ann")) == ANN


def test_an_unknown_user_is_none(store, run):
    assert run(store.get_user("nobody")) is None


def test_saving_a_user_again_replaces_them(store, run):
    renamed = User("ann", "Annie")
    run(store.save_user(ANN))

    run(store.save_user(renamed))

    assert run(store.get_user("ann")) == renamed


# accounts, sign-in links, sessions, rate limits, mail claims


def test_a_user_is_found_by_their_email(store, run):
    run(store.save_user(ANN))

    assert run(store.find_user_by_email("ann@example.org")) == ANN
    assert run(store.find_user_by_email("bob@example.org")) is None


def test_an_address_gets_one_account_however_often_it_is_asked_for(store, run):
    first = run(store.account_for_email("cy@example.org", new_id="a-1", nickname="Cy", now=5.0))

    again = run(store.account_for_email("cy@example.org", new_id="a-2", nickname="Cy2", now=6.0))

    assert first == again == User("a-1", "Cy", UserKind.ACCOUNT, "cy@example.org", ("player",), 5.0)


def test_concurrent_first_sign_ins_of_one_address_make_one_account(store, run):
    async def ten_at_once():
        return await asyncio.gather(
            *(
                store.account_for_email("cy@example.org", new_id=f"a-{n}", nickname="Cy", now=1.0)
                for n in range(10)
            )
        )

    accounts = run(ten_at_once())

    assert len({account.id for account in accounts}) == 1


def test_setting_roles_replaces_them(store, run):
    run(store.save_user(ANN))

    assert run(store.set_roles("ann", ("player", "admin"))) is True

    assert run(store.get_user("ann")).roles == ("player", "admin")


def test_setting_roles_of_an_unknown_user_says_so(store, run):
    assert run(store.set_roles("nobody", ("player",))) is False


def test_a_guest_is_given_no_roles(store, run):
    run(store.save_user(User("g-1", "Guest")))

    assert run(store.set_roles("g-1", ("player", "admin"))) is False

    assert run(store.get_user("g-1")).roles == ("player",)


def test_a_merged_guests_battles_are_filed_under_the_account(store, run):
    run(store.save_user(User("g-1", "Guest")))
    run(store.record_battle(make_battle("b1", players=["g-1", "bob"], question_ids=["q1"])))

    assert run(store.merge_guest("g-1", "ann", 9.0)) is True

    assert [b.id for b in run(store.battles_of("ann"))] == ["b1"]
    assert run(store.battles_of("g-1")) == []
    assert run(store.recent_question_ids("ann", limit=10, since=0.0)) == {"q1"}
    assert run(store.get_user("g-1")) is None


def test_merging_a_guest_twice_changes_nothing_the_second_time(store, run):
    run(store.record_battle(make_battle("b1", players=["g-1", "bob"])))
    run(store.merge_guest("g-1", "ann", 9.0))

    assert run(store.merge_guest("g-1", "cy", 10.0)) is False

    assert [b.id for b in run(store.battles_of("ann"))] == ["b1"]
    assert run(store.battles_of("cy")) == []


def test_a_battle_a_merged_guest_finishes_later_is_filed_under_the_account(store, run):
    run(store.merge_guest("g-1", "ann", 9.0))

    run(store.record_battle(make_battle("b1", players=["g-1", "bob"])))

    assert [b.id for b in run(store.battles_of("ann"))] == ["b1"]


def test_an_account_cannot_be_merged_as_a_guest(store, run):
    run(store.save_user(ANN))

    with pytest.raises(ValueError, match="not a guest"):
        run(store.merge_guest("ann", "a-2", 9.0))


def test_a_saved_sign_in_link_reads_back_equal(store, run):
    token = new_token("secret", "ann@example.org", "nonce", "g-1", 100.0)

    run(store.save_signin_token(token))

    assert run(store.get_signin_token(token.id)) == token


def test_a_sign_in_link_is_used_once(store, run):
    token = new_token("secret", "ann@example.org", "nonce", None, 100.0)
    run(store.save_signin_token(token))

    assert run(store.use_signin_token(token.id, 101.0)) is True

    assert run(store.use_signin_token(token.id, 102.0)) is False
    assert run(store.get_signin_token(token.id)).used_at == 101.0


def test_concurrent_uses_of_one_sign_in_link_let_exactly_one_through(store, run):
    token = new_token("secret", "ann@example.org", "nonce", None, 100.0)
    run(store.save_signin_token(token))

    async def twenty_at_once():
        return await asyncio.gather(*(store.use_signin_token(token.id, 101.0) for _ in range(20)))

    assert run(twenty_at_once()).count(True) == 1


def test_an_expired_sign_in_link_cannot_be_used(store, run):
    token = new_token("secret", "ann@example.org", "nonce", None, 100.0)
    run(store.save_signin_token(token))

    assert run(store.use_signin_token(token.id, 100.0 + LINK_LIFETIME)) is False


def test_a_deleted_sign_in_link_is_gone(store, run):
    token = new_token("secret", "ann@example.org", "nonce", None, 100.0)
    run(store.save_signin_token(token))

    run(store.delete_signin_token(token.id))

    assert run(store.get_signin_token(token.id)) is None


def test_a_session_names_its_user_until_it_ends(store, run):
    run(store.start_session("s1", "ann", now=10.0, expires_at=100.0))
    assert run(store.session_user("s1", 20.0)) == "ann"

    run(store.end_session("s1"))

    assert run(store.session_user("s1", 20.0)) is None


def test_an_expired_session_names_nobody(store, run):
    run(store.start_session("s1", "ann", now=10.0, expires_at=100.0))

    assert run(store.session_user("s1", 100.0)) is None


def test_hits_are_counted_per_key_within_the_window(store, run):
    for at in (1.0, 2.0, 3.0):
        run(store.count_hit("a", at, window=10.0))
    run(store.count_hit("b", 4.0, window=10.0))

    assert run(store.count_hit("a", 12.5, window=10.0)) == 2  # the hits at 3.0 and 12.5


def test_a_mail_is_claimed_once_until_released(store, run):
    assert run(store.claim_mail("k", 1.0)) is True
    assert run(store.claim_mail("k", 2.0)) is False

    run(store.release_mail("k"))

    assert run(store.claim_mail("k", 3.0)) is True


# questions


def test_a_new_question_is_added(store, run):
    assert run(store.upsert_question(make_question("q1"))) is UpsertResult.ADDED


def test_an_identical_question_is_unchanged(store, run):
    run(store.upsert_question(make_question("q1")))

    assert run(store.upsert_question(make_question("q1"))) is UpsertResult.UNCHANGED


def test_a_changed_question_is_updated_in_place(store, run):
    changed = make_question("q1", text="A better wording?")
    run(store.upsert_question(make_question("q1")))

    result = run(store.upsert_question(changed))

    assert result is UpsertResult.UPDATED
    assert run(store.get_question("q1")) == changed


def test_an_unknown_question_is_none(store, run):
    assert run(store.get_question("nope")) is None


def test_published_questions_leave_out_unpublished_ones_and_are_ordered_by_id(store, run):
    for question_id in ("q3", "q1", "q2"):
        run(store.upsert_question(make_question(question_id, published=question_id != "q2")))

    published = run(store.published_questions())

    assert [q.id for q in published] == ["q1", "q3"]


def test_published_questions_of_a_category_leave_out_other_categories(store, run):
    run(store.upsert_question(make_question("q1", "history")))
    run(store.upsert_question(make_question("q2", "science")))
    run(store.upsert_question(make_question("q3", "history")))

    history = run(store.published_questions("history"))

    assert history == [make_question("q1", "history"), make_question("q3", "history")]


def test_unpublishing_a_question_takes_it_out_of_the_published_list(store, run):
    run(store.upsert_question(make_question("q1")))

    run(store.upsert_question(make_question("q1", published=False)))

    assert run(store.published_questions()) == []


def test_all_questions_include_unpublished_ones_ordered_by_id(store, run):
    hidden = make_question("q1", published=False)
    shown = make_question("q2")
    run(store.upsert_question(shown))
    run(store.upsert_question(hidden))

    assert run(store.all_questions()) == [hidden, shown]


# battles and statistics


def test_recording_a_new_battle_says_it_wrote_it(store, run):
    assert run(store.record_battle(make_battle("b1"))) is True


def test_a_recorded_battle_reads_back_equal(store, run):
    battle = make_battle("b1")
    run(store.record_battle(battle))

    assert run(store.get_battle("b1")) == battle


def test_an_unknown_battle_is_none(store, run):
    assert run(store.get_battle("nope")) is None


def test_recording_a_battle_again_returns_false_and_keeps_the_first_version(store, run):
    first = make_battle("b1", finished_at=100.0)
    run(store.record_battle(first))

    again = run(store.record_battle(make_battle("b1", finished_at=999.0, question_ids=["q9"])))

    assert again is False
    assert run(store.get_battle("b1")) == first


def test_recording_a_battle_again_does_not_count_its_statistics_twice(store, run):
    battle = make_battle("b1")
    run(store.record_battle(battle))

    run(store.record_battle(battle))

    assert run(store.question_stats(["q1", "q2"])) == battle.stat_deltas()


def test_a_battle_adds_each_human_attempt_to_question_statistics(store, run):
    run(store.record_battle(make_battle("b1", question_ids=["q1"])))

    stats = run(store.question_stats(["q1"]))

    assert stats == {"q1": QuestionStats("q1", 2, 1, 1, 0, 1, 2000)}


def test_statistics_of_two_battles_add_up(store, run):
    run(store.record_battle(make_battle("b1", question_ids=["q1", "q2"])))
    run(store.record_battle(make_battle("b2", question_ids=["q2"], players=["cy", "ann"])))

    stats = run(store.question_stats(["q1", "q2"]))

    assert stats == {
        "q1": QuestionStats("q1", 2, 1, 1, 0, 1, 2000),
        "q2": QuestionStats("q2", 4, 2, 2, 0, 2, 4000),
    }


def test_bots_are_not_counted_in_question_statistics(store, run):
    run(
        store.record_battle(
            make_battle("b1", question_ids=["q1"], players=["bot", "ann"], bots=["bot"])
        )
    )

    stats = run(store.question_stats(["q1"]))

    assert stats == {"q1": QuestionStats("q1", asked=1, wrong=1)}


def test_questions_never_played_have_no_statistics(store, run):
    run(store.record_battle(make_battle("b1", question_ids=["q1"])))

    assert run(store.question_stats(["q1", "q2"])).keys() == {"q1"}


def test_battles_of_a_player_come_newest_first_up_to_the_limit(store, run):
    for number, finished_at in enumerate([300.0, 100.0, 400.0, 200.0]):
        run(store.record_battle(make_battle(f"b{number}", finished_at=finished_at)))

    battles = run(store.battles_of("bob", limit=3))

    assert [b.finished_at for b in battles] == [400.0, 300.0, 200.0]


def test_battles_of_a_player_leave_out_battles_they_did_not_play(store, run):
    run(store.record_battle(make_battle("b1", players=["ann", "bob"])))
    run(store.record_battle(make_battle("b2", players=["cy", "dee"])))

    assert [b.id for b in run(store.battles_of("ann"))] == ["b1"]


def test_head_to_head_counts_wins_losses_and_draws_but_not_aborted_battles(store, run):
    won = make_battle("b1", players=["ann", "bob"])
    lost = make_battle("b2", players=["bob", "ann"])
    drawn = replace(make_battle("b3", players=["ann", "bob"]), winner_id=None)
    aborted = replace(won, id="b4", outcome=Outcome.ABORTED, winner_id=None)
    elsewhere = make_battle("b5", players=["ann", "cy"])
    for record in (won, lost, drawn, aborted, elsewhere):
        run(store.record_battle(record))

    assert run(store.head_to_head("ann", "bob")) == HeadToHead(wins=1, losses=1, draws=1)
    assert run(store.head_to_head("bob", "cy")) == HeadToHead()


def test_recent_question_ids_hold_the_last_limit_questions_met(store, run):
    record_three_battles_of_ann(store, run)

    recent = run(store.recent_question_ids("ann", limit=3, since=10_000.0))

    assert recent == {"q4", "q5", "q6"}


def test_recent_question_ids_hold_every_question_met_since_a_time(store, run):
    record_three_battles_of_ann(store, run)

    recent = run(store.recent_question_ids("ann", limit=0, since=150.0))

    assert recent == {"q3", "q4", "q5", "q6"}


def test_recent_question_ids_leave_out_other_players_questions(store, run):
    run(store.record_battle(make_battle("b1", question_ids=["q1"], players=["cy", "dee"])))

    assert run(store.recent_question_ids("ann", limit=10, since=0.0)) == set()


def test_twenty_concurrent_records_of_one_battle_write_it_once(store, run):
    battle = make_battle("b1")

    async def record_twenty_times() -> list[bool]:
        return await asyncio.gather(*(store.record_battle(battle) for _ in range(20)))

    results = run(record_twenty_times())

    assert results.count(True) == 1
    assert run(store.question_stats(["q1", "q2"])) == battle.stat_deltas()


def record_three_battles_of_ann(store, run) -> None:
    """Ann meets q1, q2 at t=100, then q3, q4 at t=200, then q5, q6 at t=300."""
    for number, finished_at in enumerate([100.0, 200.0, 300.0]):
        question_ids = [f"q{2 * number + 1}", f"q{2 * number + 2}"]
        run(
            store.record_battle(
                make_battle(f"b{number}", finished_at=finished_at, question_ids=question_ids)
            )
        )


# question pipeline


def _submitted(question_id: str = "u1", author: str = "ann", at: float = 10.0):
    return new_submission(make_question(question_id, published=False), author, at)


def _review(reviewer: str, verdict: Verdict = Verdict.CORRECT, round: int = 1) -> Review:
    return Review("u1", reviewer, verdict, 4, 2, f"{reviewer} says {verdict}", 20.0, round)


def test_a_new_submission_reads_back_with_its_first_change(store, run):
    submission, change = _submitted()

    assert run(store.add_submission(submission, change)) is True

    assert run(store.get_submission("u1")) == submission
    assert run(store.question_history("u1")) == [change]


def test_the_same_question_is_not_queued_twice_while_one_waits_or_is_published(store, run):
    run(store.add_submission(*_submitted("u1", "ann")))
    twin = replace(
        make_question("u2", published=False), text="WHAT is the answer to u1", answer="Answer U1!"
    )

    with pytest.raises(DuplicateSubmissionError):
        run(store.add_submission(*new_submission(twin, "bob", 11.0)))

    assert run(store.get_submission("u2")) is None


def test_a_question_rejected_before_or_with_another_answer_may_be_sent(store, run):
    run(store.add_submission(*_submitted("u1", "ann")))
    rejected = run(store.get_submission("u1"))
    run(store.change_submission(*transition(rejected, Action.REJECT, by="mod", now=12.0, why="no")))
    again = replace(make_question("u2", published=False), text="What is the answer to u1?")
    other = replace(again, id="u3", answer="another answer", wrong=("a", "b", "c"))

    assert run(store.add_submission(*new_submission(again, "ann", 13.0))) is True
    assert run(store.add_submission(*new_submission(other, "bob", 14.0))) is True


def test_a_submission_cannot_take_an_id_already_in_use(store, run):
    run(store.upsert_question(make_question("q1")))
    run(store.add_submission(*_submitted("u1")))

    assert run(store.add_submission(*_submitted("u1", author="bob"))) is False
    assert run(store.add_submission(*_submitted("q1"))) is False
    assert run(store.get_submission("u1")).author_id == "ann"


def test_submissions_are_not_in_the_bank_until_published(store, run):
    submission, change = _submitted()
    run(store.add_submission(submission, change))

    assert run(store.published_questions()) == []

    published, publish = transition(submission, Action.PUBLISH, by="mod", now=30.0)
    run(store.change_submission(published, publish))

    assert [q.id for q in run(store.published_questions())] == ["u1"]
    assert run(store.get_question("u1")).author_id == "ann"


def test_unpublishing_takes_a_question_out_of_the_bank(store, run):
    submission, change = _submitted()
    run(store.add_submission(submission, change))
    published, publish = transition(submission, Action.PUBLISH, by="mod", now=30.0)
    run(store.change_submission(published, publish))

    retracted, unpublish = transition(published, Action.UNPUBLISH, by="mod", now=40.0, why="x")
    run(store.change_submission(retracted, unpublish))

    assert run(store.published_questions()) == []
    assert run(store.get_question("u1")).published is False


def test_every_change_is_recorded_in_order(store, run):
    submission, change = _submitted()
    run(store.add_submission(submission, change))
    rejected, reject = transition(submission, Action.REJECT, by="mod", now=30.0, why="vague")

    run(store.change_submission(rejected, reject))

    assert run(store.question_history("u1")) == [change, reject]
    assert run(store.get_submission("u1")).reason == "vague"


def test_a_retried_decision_changes_nothing(store, run):
    submission, change = _submitted()
    run(store.add_submission(submission, change))
    published, publish = transition(submission, Action.PUBLISH, by="mod", now=30.0)
    run(store.change_submission(published, publish))

    assert run(store.change_submission(published, publish)) is False
    assert len(run(store.question_history("u1"))) == 2


def test_a_decision_on_a_moved_submission_is_refused(store, run):
    submission, change = _submitted()
    run(store.add_submission(submission, change))
    run(store.change_submission(*transition(submission, Action.PUBLISH, by="mod", now=30.0)))
    late = transition(submission, Action.REJECT, by="bob", now=31.0, why="vague")

    with pytest.raises(StaleSubmissionError):
        run(store.change_submission(*late))


def test_submissions_filter_by_state_and_author_and_count_by_day(store, run):
    run(store.add_submission(*_submitted("u1", "ann", 10.0)))
    run(store.add_submission(*_submitted("u2", "ann", 99.0)))
    run(store.add_submission(*_submitted("u3", "bob", 99.0)))

    assert [s.id for s in run(store.submissions(author_id="ann"))] == ["u1", "u2"]
    assert len(run(store.submissions(state=State.SUBMITTED))) == 3
    assert run(store.count_submissions("ann", since=50.0)) == 1
    assert run(store.submission_counts()) == {State.SUBMITTED: 3}


def _queue(store, run) -> None:
    """u1..u4 waiting for reviews (changed at 14, 13, 12, 11), u3 and u4 then approved, u5
    published; authored by ann, bob, ann, cid, ann."""
    run(store.save_user(ANN))
    for n, author in enumerate(("ann", "bob", "ann", "cid", "ann"), 1):
        question = replace(make_question(f"u{n}", published=False), text=f"Which {n}th thing?")
        run(store.add_submission(*new_submission(question, author, 15.0 - n)))
    for question_id, action, at in (("u3", Action.PASS_REVIEW, 20.0),
                                     ("u4", Action.PASS_REVIEW, 19.0),
                                     ("u5", Action.PUBLISH, 21.0)):  # fmt: skip
        submission = run(store.get_submission(question_id))
        run(store.change_submission(*transition(submission, action, by="mod", now=at)))


def test_the_moderation_queue_puts_approved_first_then_least_recently_changed(store, run):
    _queue(store, run)

    pages = [run(store.moderation_queue(offset=offset, limit=3)) for offset in (0, 3)]

    assert [[s.id for s in page] for page in pages] == [["u4", "u3", "u2"], ["u1"]]
    assert run(store.count_moderation_queue()) == 4


def test_the_moderation_queue_is_searched_by_text_answer_or_authors_nickname(store, run):
    _queue(store, run)

    by_text = run(store.moderation_queue(search="which 2TH"))
    by_author = run(store.moderation_queue(search="ANN"))

    assert [s.id for s in by_text] == ["u2"]
    assert [s.id for s in by_author] == ["u3", "u1"]
    assert run(store.count_moderation_queue("ann")) == 2
    assert run(store.moderation_queue(search="answer U4")) == [run(store.get_submission("u4"))]


def test_saving_a_review_twice_keeps_the_first(store, run):
    run(store.add_submission(*_submitted()))

    assert run(store.save_review(_review("bob"))) is True
    assert run(store.save_review(_review("bob", Verdict.WRONG))) is False

    assert run(store.reviews_of("u1")) == [_review("bob")]


def test_reviews_are_kept_per_round(store, run):
    run(store.save_review(_review("bob", round=1)))
    run(store.save_review(_review("bob", Verdict.WRONG, round=2)))

    assert run(store.reviews_of("u1", round=2)) == [_review("bob", Verdict.WRONG, round=2)]
    assert len(run(store.reviews_of("u1"))) == 2


def test_a_reviewer_is_offered_only_others_questions_they_have_not_reviewed(store, run):
    run(store.add_submission(*_submitted("u1", "ann")))
    run(store.add_submission(*_submitted("u2", "bob")))
    run(store.add_submission(*_submitted("u3", "cid")))
    run(store.save_review(Review("u3", "bob", Verdict.CORRECT, 3, 2, "", 20.0)))

    offered = run(store.reviewable_submissions("bob"))

    assert [s.id for s in offered] == ["u1"]


def test_a_report_is_kept_once_and_closed_once(store, run):
    report = Report("b1", "q1", "ann", ReportKind.JUDGED_WRONGLY, "Canbera", 5.0)

    assert run(store.save_report(report)) is True
    assert run(store.save_report(report)) is False
    assert run(store.reports()) == [report]

    closed = dict(status=ReportStatus.DISMISSED, by="mod", at=6.0, note="fine")
    assert run(store.close_report("b1", "q1", "ann", **closed)) is True
    assert run(store.close_report("b1", "q1", "ann", **closed)) is False
    assert run(store.reports()) == []
    assert run(store.reports(ReportStatus.DISMISSED))[0].resolved_by == "mod"


def _unverified(battle: str, reporter: str = "ann", question: str = "q1", at: float = 100.0):
    return Report(battle, question, reporter, ReportKind.AMBIGUOUS, "", at, ReportStatus.UNVERIFIED)


def _statuses(store, run) -> dict[tuple[str, str, str], ReportStatus]:
    return {
        (r.battle_id, r.question_id, r.reporter_id): r.status
        for status in ReportStatus
        for r in run(store.reports(status))
    }


def test_a_stored_battle_opens_the_reports_of_its_players_on_its_questions(store, run):
    run(store.save_report(_unverified("b1", "ann", "q1")))
    run(store.save_report(_unverified("b1", "bob", "q2")))
    run(store.record_battle(make_battle("b1", players=("ann", "bob"), question_ids=("q1", "q2"))))

    run(store.settle_reports(now=110.0, wait=600.0))

    assert set(_statuses(store, run).values()) == {ReportStatus.OPEN}


def test_a_stored_battle_expires_reports_it_does_not_confirm(store, run):
    run(store.save_report(_unverified("b1", "cid", "q1")))  # not a player of b1
    run(store.save_report(_unverified("b1", "ann", "q9")))  # not a question of b1
    run(store.record_battle(make_battle("b1", players=("ann", "bob"), question_ids=("q1", "q2"))))

    run(store.settle_reports(now=110.0, wait=600.0))

    assert set(_statuses(store, run).values()) == {ReportStatus.EXPIRED}


def test_a_report_waits_for_its_battle_until_the_wait_is_over(store, run):
    run(store.save_report(_unverified("b1", at=100.0)))
    run(store.save_report(_unverified("b2", at=200.0)))

    run(store.settle_reports(now=750.0, wait=600.0))

    assert _statuses(store, run) == {
        ("b1", "q1", "ann"): ReportStatus.EXPIRED,
        ("b2", "q1", "ann"): ReportStatus.UNVERIFIED,
    }


def test_a_guest_who_signed_in_since_still_has_their_report_confirmed(store, run):
    run(store.save_user(User("g-1", "Guest")))
    run(store.save_user(ANN))
    run(store.save_report(_unverified("b1", "g-1")))
    run(store.merge_guest("g-1", "ann", 105.0))
    run(store.record_battle(make_battle("b1", players=("g-1", "bob"), question_ids=("q1",))))

    run(store.settle_reports(now=110.0, wait=600.0))

    assert _statuses(store, run) == {("b1", "q1", "g-1"): ReportStatus.OPEN}


def test_points_granted_twice_count_once_and_rank_contributors(store, run):
    run(store.save_user(ANN))
    awards = [PointAward("ann", "u1", 10, "published"), PointAward("bob", "u1", 2, "review-1")]

    run(store.award_points(awards))
    run(store.award_points(awards))
    run(store.award_points([PointAward("bob", "u2", -5, "rejected")]))

    assert run(store.contributors()) == [
        ContributorScore("ann", "Ann", 10),
        ContributorScore("bob", "bob", -3),
    ]


def test_accounts_lists_only_users_with_an_account(store, run):
    run(store.save_user(ANN))
    run(store.save_user(User("g-1", "Guest")))

    assert run(store.accounts()) == [ANN]


def _accounts(store, run, count: int) -> None:
    for n in range(count):
        email = f"player{n:02d}@{'school' if n % 2 else 'home'}.org"
        run(store.save_user(User(f"a{n:02d}", f"Player {n:02d}", UserKind.ACCOUNT, email)))


def test_accounts_come_a_page_at_a_time_by_nickname(store, run):
    _accounts(store, run, 7)

    pages = [run(store.accounts(offset=offset, limit=3)) for offset in (0, 3, 6)]

    assert [[u.id for u in page] for page in pages] == [
        ["a00", "a01", "a02"], ["a03", "a04", "a05"], ["a06"]
    ]  # fmt: skip
    assert run(store.count_accounts()) == 7


def test_accounts_are_searched_by_nickname_or_email_in_any_case(store, run):
    _accounts(store, run, 7)
    run(store.save_user(User("g-1", "Player guest")))

    assert [u.id for u in run(store.accounts(search="PLAYER 0"))] == [f"a0{n}" for n in range(7)]
    assert [u.id for u in run(store.accounts(search="@school", limit=2))] == ["a01", "a03"]
    assert run(store.count_accounts("@school")) == 3
    assert run(store.accounts(search="%")) == [] and run(store.count_accounts("_")) == 0


def test_a_bank_question_change_is_recorded(store, run):
    question = make_question("q1")
    change = Change("q1", Action.UNPUBLISH, State.PUBLISHED, State.RETRACTED, "mod", 5.0, "old")

    run(store.change_bank_question(replace(question, published=False), change))

    assert run(store.published_questions()) == []
    assert run(store.question_history("q1")) == [change]
