"""Stored XSS: player-written text in every field renders inert on every page that shows it.

"Inert" is checked on the parsed page, not by searching for one string: no script element
without our own src, no event-handler attribute, no svg/img/iframe element, and no URL attribute
starting with javascript:.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from tornado.escape import xhtml_escape

from game.pipeline import PointAward, Report, ReportKind, new_submission
from game.questions import Question
from store.port import User, UserKind
from tests.pipeline.live import Client, Site, account, running_site, signed_in, with_store
from tests.store.samples import make_battle

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "javascript:alert(3)",
    "<svg onload=alert(4)>",
)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}
ACTIVE_TAGS = {"svg", "img", "iframe", "object", "embed", "math"}


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith(("/static/", "/admin/")):
            self.problems.append("inline script")
        if tag in ACTIVE_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name} attribute on <{tag}>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in {name}")


def assert_inert(page: str, where: str) -> None:
    audit = _Audit()
    audit.feed(page)
    assert audit.problems == [], where


def hostile_question(number: int, payload: str) -> Question:
    return Question(
        id=f"u-x{number}",
        category="space",
        difficulty=2,
        text=f"{payload} text?",
        answer=f"{payload} answer",
        wrong=(f"{payload} w1", f"{payload} w2", f"{payload} w3"),
        aliases=(f"{payload} alias",),
        refused=(f"{payload} refused",),
        did_you_know=f"{payload} fact",
        published=False,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running_site(tmp_path_factory.mktemp("xss")) as running:
        yield running


@pytest.fixture(scope="module")
def clients(site: Site) -> dict[str, Client]:
    """An author whose nickname and questions are hostile, a reviewer, a moderator, an admin."""
    secret = site.secret()
    author = User("evil", PAYLOADS[0], UserKind.ACCOUNT, f"{PAYLOADS[1]}@x.org", ("player",))
    made = {
        "author": signed_in(site.var_dir, secret, author),
        "reviewer": signed_in(site.var_dir, secret, account("rev")),
        "admin": signed_in(site.var_dir, secret, account("boss", "admin", "moderator")),
    }

    async def hostile_content(store: Any) -> None:
        for number, payload in enumerate(PAYLOADS):
            question = hostile_question(number, payload)
            await store.add_submission(*new_submission(question, "evil", 1.0))
            await store.upsert_question(question)  # as if published, for the reports queue
            battle = f"{number:032x}"
            await store.record_battle(make_battle(battle, question_ids=(question.id,)))
            report = Report(battle, question.id, "ann", ReportKind.JUDGED_WRONGLY, payload, 2.0)
            await store.save_report(report)
            await store.award_points([PointAward("evil", question.id, 1, "test")])

    with_store(site.var_dir, hostile_content)
    return made


def test_the_preview_shows_every_field_inert(site: Site, clients: dict[str, Client]):
    for payload in PAYLOADS:
        fields = {
            name: f"{payload} {name}"
            for name in ("text", "answer", "aliases", "wrong1", "wrong2", "wrong3", "refused")
        }
        fields |= {"category": "space", "difficulty": "2", "did_you_know": payload}

        _, page = clients["author"].post(
            site.game.base_url + "/questions/new", preview="1", **fields
        )

        assert xhtml_escape(f"{payload} text") in page
        assert_inert(page, f"preview of {payload}")


def test_review_pages_and_review_comments_are_inert(site: Site, clients: dict[str, Client]):
    reviewer = clients["reviewer"]
    for _ in PAYLOADS:
        _, page = reviewer.get(site.game.base_url + "/review")
        assert_inert(page, "review page")
        shown = re.search(r'name="question_id" value="([^"]+)"', page)
        assert shown, page
        comment = PAYLOADS[int(shown.group(1)[-1])]
        form = {"verdict": "wrong", "quality": "1", "difficulty": "2", "comment": comment}
        reviewer.post(site.game.base_url + "/review", question_id=shown.group(1), **form)


@pytest.mark.parametrize(
    "who, where",
    [
        ("author", "game:/questions/mine"),
        ("author", "game:/contributors"),
        ("admin", "admin:/admin/queue"),
        ("admin", "admin:/admin/reports"),
        ("admin", "admin:/admin/users"),
        ("admin", "admin:/admin/questions/u-x0"),
        ("admin", "admin:/admin/questions/u-x1"),
        ("admin", "admin:/admin/questions/u-x2"),
        ("admin", "admin:/admin/questions/u-x3"),
    ],
)
def test_pages_showing_player_text_render_it_inert(
    site: Site, clients: dict[str, Client], who: str, where: str
):
    process, path = where.split(":", 1)
    base = site.game.base_url if process == "game" else site.admin_url

    code, page = clients[who].get(base + path)

    assert code == 200
    assert any(xhtml_escape(payload) in page for payload in PAYLOADS)  # shown, as text
    assert_inert(page, where)


def test_a_rejection_reason_is_inert_where_the_author_reads_it(
    site: Site, clients: dict[str, Client]
):
    for number, payload in enumerate(PAYLOADS):
        clients["admin"].post(
            f"{site.admin_url}/admin/queue/u-x{number}", action="reject", why=payload
        )

    _, page = clients["author"].get(site.game.base_url + "/questions/mine")

    assert page.count("rejected") >= len(PAYLOADS)
    assert_inert(page, "rejection reasons")


RAW = (*PAYLOADS[:2], '<a href="javascript:alert(3)">x</a>', PAYLOADS[3])


@pytest.mark.parametrize("payload", RAW)
def test_the_audit_catches_each_payload_left_unescaped(payload: str):
    with pytest.raises(AssertionError):
        assert_inert(f"<p>{payload}</p>", "raw")
