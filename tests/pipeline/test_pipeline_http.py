"""The whole question pipeline through HTTP: a game process and an admin process on one store."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import pytest

from game.pipeline import CHECKS_PER_PLAYER, Review, State, Verdict, new_submission
from tests.conftest import new_guest
from tests.pipeline.live import (
    Site,
    account,
    question_form,
    running_site,
    signed_in,
    with_store,
)
from tests.sockjs_client import SockJSClient
from tests.store.samples import make_question

QUESTION = question_form(
    "Which planet has the moon Titan?",
    "Saturn",
    ("Jupiter", "Neptune", "Uranus"),
    did_you_know="Titan has lakes of methane.",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running_site(tmp_path_factory.mktemp("pipeline")) as running:
        yield running


def submissions_of(site: Site, author_id: str) -> list[Any]:
    return with_store(site.var_dir, lambda store: store.submissions(author_id=author_id))


def review_form(question_id: str, verdict: str, comment: str = "") -> dict[str, str]:
    return {
        "question_id": question_id,
        "verdict": verdict,
        "quality": "4",
        "difficulty": "1",
        "comment": comment,
    }


async def questions_in_a_bot_battle(base_url: str, category: str) -> list[str]:
    """Texts of the questions a guest meets in a battle against the practice bot."""
    guest = await asyncio.to_thread(new_guest, base_url, "Eve")
    client = await SockJSClient(base_url).connect()
    await client.send({"type": "hello", "token": guest.token})
    await client.expect("welcome")
    await client.send({"type": "play", "category": category})
    await client.expect("bot_offer")
    await client.send({"type": "bot"})
    start = await client.expect("battle")
    texts = []
    for _ in range(start["questions"]):
        texts.append((await client.expect("question", timeout=20))["text"])
    client.close()
    return texts


def test_a_question_is_submitted_reviewed_published_and_then_drawn_in_a_battle(site: Site):
    secret = site.secret()
    author = signed_in(site.var_dir, secret, account("ann"))
    game, admin = site.game.base_url, site.admin_url

    code, preview = author.post(game + "/questions/new", preview="1", **QUESTION)
    assert code == 200 and "Every check passes" in preview and "Titan has lakes" in preview
    code, _ = author.post(game + "/questions/new", submit="1", **QUESTION)
    assert code == 302
    (submission,) = submissions_of(site, "ann")
    for name in ("bob", "cyd", "dan"):
        reviewer = signed_in(site.var_dir, secret, account(name))
        assert QUESTION["text"] in reviewer.get(game + "/review")[1]
        assert reviewer.post(game + "/review", **review_form(submission.id, "correct"))[0] == 302
    assert submissions_of(site, "ann")[0].state is State.APPROVED
    moderator = signed_in(site.var_dir, secret, account("mod", "moderator"))
    assert QUESTION["text"] in moderator.get(admin + "/admin/queue")[1]

    code, _ = moderator.post(f"{admin}/admin/queue/{submission.id}", action="publish")

    assert code == 302
    assert submissions_of(site, "ann")[0].state is State.PUBLISHED
    texts = asyncio.run(questions_in_a_bot_battle(game, "space"))
    assert QUESTION["text"] in texts


def test_a_wrong_majority_sends_the_question_back_to_its_author_with_the_comments(site: Site):
    secret = site.secret()
    author = signed_in(site.var_dir, secret, account("fay"))
    form = question_form("Which planet is called the Red Planet?", "Mars", ("Venus", "Pluto", "Io"))
    author.post(site.game.base_url + "/questions/new", submit="1", **form)
    (submission,) = submissions_of(site, "fay")

    for name, verdict in (("gus", "wrong"), ("hal", "correct"), ("ivy", "wrong")):
        reviewer = signed_in(site.var_dir, secret, account(name))
        opinion = review_form(submission.id, verdict, f"{name}: Pluto is no planet")
        reviewer.post(site.game.base_url + "/review", **opinion)

    assert submissions_of(site, "fay")[0].state is State.DRAFT
    mine = author.get(site.game.base_url + "/questions/mine")[1]
    assert "gus: Pluto is no planet" in mine and "ivy: Pluto is no planet" in mine


def test_nobody_is_offered_their_own_question_to_review(site: Site):
    author = signed_in(site.var_dir, site.secret(), account("jon"))
    form = question_form("Which planet is the smallest?", "Mercury", ("Mars", "Venus", "Earth"))
    author.post(site.game.base_url + "/questions/new", submit="1", **form)

    page = author.get(site.game.base_url + "/review")[1]

    assert form["text"] not in page


def test_a_refused_review_shows_nothing_of_the_question_it_names(site: Site):
    author = signed_in(site.var_dir, site.secret(), account("rex"))
    form = question_form("Which moon is the largest of all?", "Ganymede", ("Titan", "Io", "Europa"))
    author.post(site.game.base_url + "/questions/new", submit="1", **form)
    (draft,) = submissions_of(site, "rex")

    code, page = author.post(site.game.base_url + "/review", **review_form(draft.id, "correct"))

    assert code == 400 and "You cannot review this question." in page
    assert form["text"] not in page and "Ganymede" not in page


def test_the_same_question_sent_twice_is_refused_with_the_reason(site: Site):
    author = signed_in(site.var_dir, site.secret(), account("twice"))
    other = signed_in(site.var_dir, site.secret(), account("again"))
    form = question_form(
        "Which planet has a moon called Triton?", "Neptune", ("Mars", "Io", "Pluto")
    )
    url = site.game.base_url + "/questions/new"

    first, _ = author.post(url, submit="1", **form)
    shouted = {**form, "text": "Which planet has a moon called TRITON?", "answer": "neptune"}
    code, page = other.post(url, submit="1", **shouted)

    assert first == 302 and code == 400
    assert "This question, with this answer, was sent already" in page
    assert submissions_of(site, "again") == []


def test_a_question_failing_the_bank_rules_is_refused_with_the_reason(site: Site):
    author = signed_in(site.var_dir, site.secret(), account("kim"))
    form = question_form("Which planet is the largest", "Jupiter", ("Saturn", "Saturn", "Mars"))

    code, page = author.post(site.game.base_url + "/questions/new", submit="1", **form)

    assert code == 400 and "does not end with" in page and "listed twice" in page
    assert submissions_of(site, "kim") == []


def test_the_preview_names_a_similar_question_by_its_text(site: Site):
    author = signed_in(site.var_dir, site.secret(), account("sim"))
    bank = with_store(site.var_dir, lambda store: store.published_questions())
    twin = next(q for q in bank if q.text == "What is the largest ocean on Earth?")
    form = question_form(
        "What is the largest ocean on planet Earth?", "Pacific", ("Atlantic", "Indian", "Arctic")
    )

    _, page = author.post(site.game.base_url + "/questions/new", preview="1", **form)

    assert "similar to: “What is the largest ocean on Earth?”" in page
    assert twin.id not in page and "similarity" not in page


def test_a_writer_previewing_in_a_loop_is_slowed_down_and_keeps_the_form(site: Site):
    author = signed_in(site.var_dir, site.secret(), account("loop"))
    form = question_form("Which planet has rings?", "Saturn", ("Mars", "Venus", "Mercury"))
    url = site.game.base_url + "/questions/new"

    codes = [author.post(url, preview="1", **form)[0] for _ in range(CHECKS_PER_PLAYER.limit)]
    code, page = author.post(url, preview="1", **form)

    assert set(codes) == {200}
    assert code == 429 and "That is a lot of checks" in page and "Which planet has rings?" in page


def test_the_daily_limit_refuses_one_question_too_many(site: Site):
    author = signed_in(site.var_dir, site.secret(), account("lea"))

    async def five_submitted_today(store: Any) -> None:
        for number in range(5):
            question = make_question(f"u-lea{number}", "space", published=False)
            await store.add_submission(*new_submission(question, "lea", 1e12))

    with_store(site.var_dir, five_submitted_today)
    code, page = author.post(
        site.game.base_url + "/questions/new",
        submit="1",
        **question_form("Which star is closest to Earth?", "Sun", ("Sirius", "Vega", "Rigel")),
    )

    assert code == 400 and "5 questions a day" in page


def test_a_rejection_reason_reaches_the_author_and_costs_points(site: Site):
    secret = site.secret()
    author = signed_in(site.var_dir, secret, account("max", nickname="Max"))
    form = question_form("Which planet has the Great Red Spot?", "Jupiter", ("Mars", "Venus", "Io"))
    author.post(site.game.base_url + "/questions/new", submit="1", **form)
    (submission,) = submissions_of(site, "max")
    moderator = signed_in(site.var_dir, secret, account("mod2", "moderator"))

    code, _ = moderator.post(
        f"{site.admin_url}/admin/queue/{submission.id}", action="reject", why="Io is no planet"
    )

    assert code == 302
    assert "Io is no planet" in author.get(site.game.base_url + "/questions/mine")[1]
    board = author.get(site.game.base_url + "/contributors")[1]
    assert re.search(r"<td>Max</td><td>-5</td>", board)
    assert f"rejection of {submission.id}: mail to its author queued" in site.admin_log.read_text()


def test_publishing_rewards_the_author_and_the_reviewers_who_agreed(site: Site):
    secret = site.secret()

    async def reviewed_submission(store: Any) -> str:
        question = make_question("u-nia1", "space", published=False)
        submission, change = new_submission(question, "nia", 1.0)
        await store.add_submission(submission, change)
        for reviewer, verdict in (("oli", Verdict.CORRECT), ("pam", Verdict.UNSURE)):
            await store.save_review(Review(submission.id, reviewer, verdict, 3, 2, "", 2.0))
        return submission.id

    question_id = with_store(site.var_dir, reviewed_submission)
    for user in (account("nia", nickname="Nia"), account("oli", nickname="Oli")):
        signed_in(site.var_dir, secret, user)
    moderator = signed_in(site.var_dir, secret, account("mod3", "moderator"))

    moderator.post(f"{site.admin_url}/admin/queue/{question_id}", action="publish")
    moderator.post(f"{site.admin_url}/admin/queue/{question_id}", action="publish")

    board = moderator.get(site.game.base_url + "/contributors")[1]
    assert re.search(r"<td>Nia</td><td>10</td>", board)
    assert re.search(r"<td>Oli</td><td>2</td>", board)
    assert "Pam" not in board
