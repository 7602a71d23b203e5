"""Reporting a question at a reveal (POST /questions/report) and the admin's reports queue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from game.pipeline import ReportStatus
from store.port import User
from tests.pipeline.live import Site, account, guest_client, running_site, signed_in, with_store
from tests.store.samples import make_battle, make_question

BATTLE = "b" * 32


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running_site(tmp_path_factory.mktemp("reports")) as running:

        async def a_stored_battle(store: Any) -> None:
            await store.upsert_question(make_question("q1", "space"))
            await store.record_battle(
                make_battle(BATTLE, question_ids=("q1", "q2"), players=("g-ann", "g-bob"))
            )

        with_store(running.var_dir, a_stored_battle)
        yield running


def report(site: Site, user_id: str, xsrf: bool = True, **payload: Any) -> tuple[int, Any]:
    body = {"battle": BATTLE, "question_id": "q1", "kind": "wrong-fact", **payload}
    client = guest_client(site.secret(), user_id)
    return client.post_json(site.game.base_url + "/questions/report", body, xsrf=xsrf)


def reports(site: Site, status: ReportStatus = ReportStatus.OPEN) -> list[Any]:
    return with_store(site.var_dir, lambda store: store.reports(status))


@pytest.fixture
def guests(site: Site) -> None:
    async def save(store: Any) -> None:
        for user_id in ("g-ann", "g-bob", "g-cid"):
            await store.save_user(User(user_id, user_id[2:].title()))

    with_store(site.var_dir, save)


def test_a_player_of_the_battle_reports_a_question_once(site: Site, guests: None):
    first = report(site, "g-ann", kind="ambiguous")
    again = report(site, "g-ann", kind="ambiguous")

    assert first == (201, {"status": "open", "new": True})
    assert again == (200, {"status": "open", "new": False})


def test_someone_who_did_not_play_the_battle_cannot_report(site: Site, guests: None):
    code, body = report(site, "g-cid")

    assert code == 403 and "only a player" in body["error"]


def test_a_question_not_in_the_battle_cannot_be_reported(site: Site, guests: None):
    assert report(site, "g-bob", question_id="q9")[0] == 403


def test_a_report_needs_the_xsrf_header(site: Site, guests: None):
    assert report(site, "g-bob", xsrf=False)[0] == 403


def test_a_judged_wrongly_report_must_carry_what_was_typed(site: Site, guests: None):
    code, body = report(site, "g-bob", kind="judged-wrongly")

    assert code == 400 and "typed" in body["error"]


def test_an_unknown_kind_is_refused(site: Site, guests: None):
    assert report(site, "g-bob", kind="boring")[0] == 400


def test_a_report_sent_before_its_battle_is_stored_waits_for_the_battle(site: Site, guests: None):
    moderator = signed_in(site.var_dir, site.secret(), account("mod", "moderator"))
    later = "c" * 32

    code, body = report(site, "g-ann", battle=later, kind="offensive")
    before = moderator.get(site.admin_url + "/admin/reports")[1]
    stored = make_battle(later, question_ids=("q1",), players=("g-ann",))
    with_store(site.var_dir, lambda store: store.record_battle(stored))
    after = moderator.get(site.admin_url + "/admin/reports")[1]

    assert (code, body["status"]) == (201, "unverified")
    assert f"/battles/{later}" not in before and f"/battles/{later}" in after


def test_one_click_adds_the_typed_answer_as_an_alias(site: Site, guests: None):
    moderator = signed_in(site.var_dir, site.secret(), account("mod", "moderator"))
    report(site, "g-bob", kind="judged-wrongly", typed="answer of q1")

    code, _ = moderator.post(
        site.admin_url + "/admin/reports",
        battle=BATTLE,
        question_id="q1",
        reporter="g-bob",
        action="alias",
    )

    question = with_store(site.var_dir, lambda store: store.get_question("q1"))
    assert code == 302 and "answer of q1" in question.aliases
    assert [r.reporter_id for r in reports(site, ReportStatus.RESOLVED)] == ["g-bob"]
