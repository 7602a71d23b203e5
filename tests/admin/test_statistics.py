"""The reports through the real admin process, built by a real report worker on the embedded
(filesystem) broker: the first visit queues a build and shows its progress, a later one shows
the copy; CSV export; relabelling from play; accepting a near miss only when confirmed."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from game.record import AttemptEntry, BattleRecord, Method, Outcome, PlayerEntry, QuestionEntry
from settings import load_settings
from tasks.app import EMBEDDED_BROKER, make_celery
from tasks.queue import CeleryQueue
from tests.pipeline.live import Client, Site, account, running_site, signed_in, with_store
from tests.tasks.mailflow import Worker, running_worker, wait_for

QUESTION = "fixture-002"  # "What is the largest ocean on Earth?", labelled easy


def missed(battle_id: str, at: float) -> BattleRecord:
    """Both players type the same wrong ocean, and the battle finished at `at`."""
    attempts = tuple(
        AttemptEntry(user, Method.TYPED, "Pacfic Oceon", False, "not the answer", 3_000)
        for user in ("ann", "bob")
    )
    players = (PlayerEntry("ann", "Ann"), PlayerEntry("bob", "Bob"))
    entry = QuestionEntry(QUESTION, attempts)
    return BattleRecord(battle_id, at - 60, at, Outcome.FINISHED, players, (entry,), None, None)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running_site(tmp_path_factory.mktemp("statistics")) as running:

        async def fill(store: Any) -> None:
            for number in range(30):  # 60 plays, none right: surely hard, hopeless
                await store.record_battle(missed(f"{number:032x}", time.time() - 3_600))

        with_store(running.var_dir, fill)
        yield running


@pytest.fixture(scope="module")
def worker(site: Site) -> Iterator[Worker]:
    with running_worker(site.var_dir, EMBEDDED_BROKER, work="reports") as running:
        yield running
    assert "Traceback" not in running.log(), running.log()


@pytest.fixture(scope="module")
def moderator(site: Site) -> Client:
    return signed_in(site.var_dir, site.secret(), account("mod", "moderator", nickname="Mo"))


def built(site: Site, moderator: Client, name: str) -> str:
    """The report page once its copy is built (the first visit asks for the build)."""

    def page_when_built() -> str | None:
        page = moderator.get(f"{site.admin_url}/admin/statistics/{name}")[1]
        return page if "Built " in page else None

    return wait_for(f"the {name} report to be built", page_when_built, timeout=30)


def test_the_first_visit_asks_the_worker_and_a_later_one_shows_the_report(site, worker, moderator):
    code, first = moderator.get(f"{site.admin_url}/admin/statistics/activity")

    page = built(site, moderator, "activity")

    assert code == 200 and "Building the first copy" in first
    assert re.search(r"<dt>Battles</dt><dd>30</dd>", page)
    assert "report activity:" in worker.log()


def test_a_table_downloads_as_csv(site, worker, moderator):
    built(site, moderator, "quality")

    code, csv = moderator.get(f"{site.admin_url}/admin/statistics/quality.csv?table=relabel")

    lines = csv.splitlines()
    assert code == 200 and lines[0].startswith("Question,Category,Labelled,Plays,Right %")
    assert lines[1].startswith("What is the largest ocean on Earth?,Geography,easy,60,0.0")


def test_a_question_is_relabelled_to_its_measured_difficulty(site, worker, moderator):
    page = built(site, moderator, "quality")
    assert "Relabel as hard" in page

    code, _ = moderator.post(
        f"{site.admin_url}/admin/statistics/relabel", question_id=QUESTION, difficulty="3"
    )

    question = with_store(site.var_dir, lambda store: store.get_question(QUESTION))
    assert code == 302 and question.difficulty == 3


def test_a_near_miss_is_accepted_only_when_the_moderator_confirms_it(site, worker, moderator):
    page = built(site, moderator, "near-misses")
    assert "Pacfic Oceon" in page and 'name="confirm" value="same-answer" required' in page
    accept = f"{site.admin_url}/admin/statistics/accept"

    code, _ = moderator.post(accept, question_id=QUESTION, text="Pacfic Oceon")
    unchanged = with_store(site.var_dir, lambda store: store.get_question(QUESTION))
    moderator.post(accept, question_id=QUESTION, text="Pacfic Oceon", confirm="same-answer")
    accepted = with_store(site.var_dir, lambda store: store.get_question(QUESTION))

    assert code == 302 and "Pacfic Oceon" not in unchanged.aliases
    assert "Pacfic Oceon" in accepted.aliases


def test_players_cannot_see_the_reports(site):
    player = signed_in(site.var_dir, site.secret(), account("pat", nickname="Pat"))

    code, page = player.get(f"{site.admin_url}/admin/statistics/quality")

    assert code == 403 and "Moderators only" in page


def test_a_filter_that_cannot_be_read_is_refused_with_the_reason(site, moderator):
    code, page = moderator.get(f"{site.admin_url}/admin/statistics/activity?from=soon")

    assert code == 400 and "must be a date like" in page


def test_a_relabel_to_no_level_is_refused_and_changes_nothing(site, moderator):
    before = with_store(site.var_dir, lambda store: store.get_question(QUESTION))

    code, _ = moderator.post(
        f"{site.admin_url}/admin/statistics/relabel", question_id=QUESTION, difficulty="9"
    )

    after = with_store(site.var_dir, lambda store: store.get_question(QUESTION))
    assert code == 400 and after == before


def test_the_dashboard_shows_each_reports_headline_figures(site, worker, moderator):
    built(site, moderator, "activity")

    code, page = moderator.get(f"{site.admin_url}/admin")

    assert code == 200 and re.search(r"<dt>Battles</dt><dd>30</dd>", page)
    assert 'href="/admin/statistics/quality"' in page and "open report" in page


def test_the_worker_pulls_back_a_question_nobody_gets_right(site, worker):
    # Last in this module: it takes the question the others look at out of the bank.
    settings = load_settings({"KWISSLE_VAR": str(site.var_dir)}, broker_url=EMBEDDED_BROKER)

    async def ask() -> None:
        queue = CeleryQueue(make_celery(settings))
        await queue.check_questions()
        await queue.close()

    asyncio.run(ask())

    def recalled() -> Any:
        submission = with_store(site.var_dir, lambda store: store.get_submission(QUESTION))
        return submission if submission is not None else None

    submission = wait_for("the question to be recalled", recalled, timeout=30)
    assert submission.state == "approved-by-review" and "60 plays" in submission.reason
