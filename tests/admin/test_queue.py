"""The moderation queue and the other admin actions: what a moderator sees, finds and is told."""

from __future__ import annotations

import re
from dataclasses import replace

from admin.pages import QUEUE_PAGE
from game.pipeline import Report, ReportKind, new_submission
from store.port import User, UserKind
from tests.admin.test_authorization import AdminCase
from tests.store.samples import make_question

NEAR_COPY = "similar to: “What is the answer to q1?”, with the same answer"


class QueueCase(AdminCase):
    def submit(self, question_id: str, author: str, at: float, **changes: str) -> None:
        question = replace(make_question(question_id, published=False), **changes)
        self.io_loop.run_sync(
            lambda: self.store.add_submission(*new_submission(question, author, at))
        )

    def queued(self, path: str) -> tuple[list[str], str]:
        page = self.call("moderator", "GET", path).body.decode()
        return re.findall(r'<article class="submission" id="q-([^"]+)"', page), page


class TestWhatTheModeratorSees(QueueCase):
    def test_each_queued_question_shows_the_checks_its_author_saw(self):
        self.submit(
            "u-near", "p-1", 2.0, text="What is the answer to q1, then?", answer="answer q1"
        )

        _, page = self.queued("/admin/queue")

        article = page[page.index('id="q-u-near"') :]
        assert NEAR_COPY in article[: article.index("</article>")]
        assert "Every check passes." in page[page.index('id="q-u-1"') :]

    def test_a_bank_questions_edit_page_shows_its_checks_too(self):
        near = replace(
            make_question("q2"), text="What is the answer to q1, then?", answer="answer q1"
        )
        self.io_loop.run_sync(lambda: self.store.upsert_question(near))

        page = self.call("moderator", "GET", "/admin/questions/q2").body.decode()

        assert NEAR_COPY in page


class TestFindingQuestions(QueueCase):
    def setUp(self):
        super().setUp()

        async def authors() -> None:
            await self.store.save_user(User("w-1", "Wanda", UserKind.ACCOUNT, "w@example.org"))

        self.io_loop.run_sync(authors)
        for n in range(QUEUE_PAGE + 3):
            self.submit(f"u-w{n:02d}", "w-1", 10.0 + n, text=f"Which comet is number {n}?")

    def test_the_queue_comes_a_page_at_a_time(self):
        first, page = self.queued("/admin/queue?q=wanda")
        second, _ = self.queued("/admin/queue?q=wanda&page=2")

        assert first == [f"u-w{n:02d}" for n in range(QUEUE_PAGE)]
        assert second == [f"u-w{n:02d}" for n in range(QUEUE_PAGE, QUEUE_PAGE + 3)]
        assert f"1–{QUEUE_PAGE} of {QUEUE_PAGE + 3}" in page

    def test_the_queue_is_searched_by_the_question_text(self):
        found, _ = self.queued("/admin/queue?q=number+7%3F")

        assert found == ["u-w07"]

    def test_a_decision_leads_back_to_the_same_page_and_says_what_it_did(self):
        response = self.call("moderator", "POST", "/admin/queue/u-w21", action="publish",
                             q="wanda", page="2")  # fmt: skip
        found, page = self.queued(response.headers["Location"])

        assert response.headers["Location"] == "/admin/queue?q=wanda&page=2&notice=published"
        assert "Published: the question is in the bank" in page and "u-w21" not in found


class TestEveryActionIsConfirmed(QueueCase):
    def test_dismissing_a_report_says_so(self):
        report = Report("b" * 32, "q1", "p-1", ReportKind.AMBIGUOUS, "", 1.0)
        self.io_loop.run_sync(lambda: self.store.save_report(report))

        response = self.call("moderator", "POST", "/admin/reports", battle="b" * 32,
                             question_id="q1", reporter="p-1", action="dismiss")  # fmt: skip
        page = self.call("moderator", "GET", response.headers["Location"]).body.decode()

        assert "Dismissed: the report is closed" in page and "No open reports." in page

    def test_saving_an_edit_says_so(self):
        question = make_question("q1")
        form = {
            "category": question.category,
            "difficulty": "3",
            "text": question.text,
            "answer": question.answer,
            **{f"wrong{n}": wrong for n, wrong in enumerate(question.wrong, 1)},
        }

        response = self.call("moderator", "POST", "/admin/questions/q1", **form)
        page = self.call("moderator", "GET", response.headers["Location"]).body.decode()

        assert response.headers["Location"] == "/admin/questions/q1?notice=saved"
        assert "Saved: players meet the question as it reads now." in page
