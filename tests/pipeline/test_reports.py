"""Reporting a question at a reveal (POST /questions/report) and the admin's reports queue."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from game.pipeline import (
    REPORT_WAIT_SECONDS,
    REPORTS_PER_ADDRESS,
    REPORTS_PER_PLAYER,
    Report,
    ReportKind,
    ReportStatus,
)
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


def report(
    site: Site, user_id: str, xsrf: bool = True, address: str | None = None, **payload: Any
) -> tuple[int, Any]:
    body = {"battle": BATTLE, "question_id": "q1", "kind": "wrong-fact", **payload}
    client = guest_client(site.secret(), user_id)
    url = site.game.base_url + "/questions/report"
    return client.post_json(url, body, xsrf=xsrf, address=address)


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


def test_the_typed_answer_becomes_an_alias_only_once_the_moderator_confirms_it(
    site: Site, guests: None
):
    moderator = signed_in(site.var_dir, site.secret(), account("mod", "moderator"))
    report(site, "g-bob", kind="judged-wrongly", typed="answer of q1")
    fields = {"battle": BATTLE, "question_id": "q1", "reporter": "g-bob", "action": "alias"}
    page = moderator.get(site.admin_url + "/admin/reports")[1]

    unconfirmed, _ = moderator.post(site.admin_url + "/admin/reports", **fields)
    before = with_store(site.var_dir, lambda store: store.get_question("q1"))
    code, _ = moderator.post(site.admin_url + "/admin/reports", **fields, confirm="same-answer")

    question = with_store(site.var_dir, lambda store: store.get_question("q1"))
    assert 'class="btn primary" name="action" value="alias"' not in page
    assert unconfirmed == 302 and "answer of q1" not in before.aliases
    assert code == 302 and "answer of q1" in question.aliases
    assert [r.reporter_id for r in reports(site, ReportStatus.RESOLVED)] == ["g-bob"]


def test_the_page_warns_when_the_typed_text_is_a_wrong_choice(site: Site, guests: None):
    moderator = signed_in(site.var_dir, site.secret(), account("mod", "moderator"))
    another = make_battle("e5" * 16, question_ids=("q1",), players=("g-ann", "g-bob"))
    with_store(site.var_dir, lambda store: store.record_battle(another))
    code, _ = report(
        site, "g-bob", battle=another.id, kind="judged-wrongly", typed="wrong two",
        address="198.51.100.7",  # an address of its own: other tests spend 127.0.0.1's limit
    )  # fmt: skip
    assert code == 201

    page = moderator.get(site.admin_url + "/admin/reports")[1]

    assert "⚠ It is one of this question&#x27;s wrong choices." in page


def made_up_reports(count: int, at: float, reporter: str = "g-ann") -> list[Report]:
    """Reports on battles nobody played, as a guest could send them."""
    return [
        Report(f"{n:032x}", "q1", reporter, ReportKind.OFFENSIVE, "", at, ReportStatus.UNVERIFIED)
        for n in range(count)
    ]


def save_reports(site: Site, found: list[Report]) -> None:
    async def save(store: Any) -> None:
        for one in found:
            await store.save_report(one)

    with_store(site.var_dir, save)


def test_reports_on_made_up_battles_never_hide_a_real_one(site: Site, guests: None):
    moderator = signed_in(site.var_dir, site.secret(), account("mod", "moderator"))
    save_reports(site, made_up_reports(150, at=time.time() - 60))
    real = "d" * 32

    code, body = report(site, "g-bob", battle=real, kind="ambiguous")
    stored = make_battle(real, question_ids=("q1",), players=("g-bob",))
    with_store(site.var_dir, lambda store: store.record_battle(stored))
    page = moderator.get(site.admin_url + "/admin/reports")[1]

    assert (code, body["status"]) == (201, "unverified")
    assert f"/battles/{real}" in page


def test_a_report_whose_battle_never_comes_expires(site: Site, guests: None):
    moderator = signed_in(site.var_dir, site.secret(), account("mod", "moderator"))
    stale = made_up_reports(3, at=time.time() - REPORT_WAIT_SECONDS - 60, reporter="g-cid")
    save_reports(site, stale)

    moderator.get(site.admin_url + "/admin/reports")

    expired = [(r.battle_id, r.reporter_id) for r in reports(site, ReportStatus.EXPIRED)]
    assert all((r.battle_id, "g-cid") in expired for r in stale)


def test_a_player_sending_too_many_reports_is_slowed_down(site: Site):
    with_store(site.var_dir, lambda store: store.save_user(User("g-eager", "Eager")))
    sent = [
        report(site, "g-eager", address="10.0.0.1", battle=f"{n:032x}")[0]
        for n in range(REPORTS_PER_PLAYER.limit + 1)
    ]

    code, body = report(site, "g-eager", address="10.0.0.2", battle="e" * 32)

    assert set(sent[:-1]) == {201} and sent[-1] == 429
    assert code == 429 and "Too many reports" in body["error"]


def test_one_address_sending_too_many_reports_is_slowed_down(site: Site):
    async def many_guests(store: Any) -> None:
        for n in range(REPORTS_PER_ADDRESS.limit + 1):
            await store.save_user(User(f"g-many-{n}", f"Many {n}"))

    with_store(site.var_dir, many_guests)

    codes = [
        report(site, f"g-many-{n}", address="10.0.0.9", battle=f"{n:032x}")[0]
        for n in range(REPORTS_PER_ADDRESS.limit + 1)
    ]

    assert set(codes[:-1]) == {201} and codes[-1] == 429
