"""The game process's side of the question pipeline: write, review, the leaderboard, reports.

Writing and reviewing need a signed-in account; reporting needs a player of the battle. Every
decision a moderator takes lives in the admin process, never here.
"""

from __future__ import annotations

import random
import time
from typing import Any

import tornado.escape
import tornado.web

from game.pipeline import (
    CHECKS_PER_PLAYER,
    MAX_COMMENT,
    QUALITIES,
    REPORTS_PER_ADDRESS,
    REPORTS_PER_PLAYER,
    Action,
    Verdict,
)
from game.questions import CATEGORIES, DIFFICULTIES, Question
from handlers.base import BACK_TO_THE_GAME, BaseHandler
from handlers.errors import Link, PageError
from services import pipeline
from services.bank_checks import BankChecks
from store.port import Store, User, UserKind


def is_player_account(user: User | None) -> bool:
    return user is not None and user.kind is UserKind.ACCOUNT and "player" in user.roles


class AccountHandler(BaseHandler):
    """A page for signed-in players only; guests and strangers get a 403 that says why."""

    def initialize(self, store: Store, daily_limit: int = 5) -> None:
        super().initialize(store)
        self.daily_limit = daily_limit

    def account(self) -> User:
        user = self.user
        if not is_player_account(user):
            raise PageError(
                403,
                "Sign in to write or review",
                "Writing and reviewing questions need an account. Sign in with your email "
                "address: we mail you a link, there is no password.",
                (Link("/signin", "Sign in"), BACK_TO_THE_GAME),
            )
        assert user is not None
        return user

    def form(self) -> dict[str, str]:
        return {name: self.get_body_argument(name, "") for name in pipeline.FORM_FIELDS}


class NewQuestionHandler(AccountHandler):
    """GET the form; POST with `preview` shows the question and the checks, else submits it.

    Both run the bank checks, so both count towards CHECKS_PER_PLAYER."""

    def initialize(  # type: ignore[override]
        self, store: Store, checks: BankChecks, daily_limit: int = 5
    ) -> None:
        super().initialize(store, daily_limit)
        self.checks = checks

    def get(self) -> None:
        self.account()
        self._render({}, None, (), None)

    async def post(self) -> None:
        author = self.account()
        form = self.form()
        now = time.time()
        if await self.over_limit(f"check:player:{author.id}", CHECKS_PER_PLAYER, now):
            self.set_status(429)
            minutes = int(CHECKS_PER_PLAYER.window // 60)
            self._render(form, None, (), f"That is a lot of checks: wait {minutes} minutes.")
            return
        try:
            question = pipeline.question_from_form(form, pipeline.new_question_id())
            if self.get_body_argument("preview", None) is not None:
                checked = await self.checks.check(question)
                self._render(form, question, checked.problems, None)
                return
            await pipeline.submit(
                self.store, author, question, now, self.daily_limit, checks=self.checks
            )
        except pipeline.PipelineError as error:
            self.set_status(400)
            self._render(form, None, (), str(error))
            return
        self.redirect("/questions/mine")

    def _render(
        self, form: dict[str, str], preview: Question | None, problems: Any, error: str | None
    ) -> None:
        self.render(
            "questions_new.html",
            form=form,
            preview=preview,
            problems=problems,
            error=error,
            categories=CATEGORIES,
            difficulties=DIFFICULTIES,
            daily_limit=self.daily_limit,
        )


class MyQuestionsHandler(AccountHandler):
    """The author's submissions with their state, reasons and history; resubmit or retract."""

    async def get(self) -> None:
        author = self.account()
        submissions = await self.store.submissions(author_id=author.id, limit=200)
        history = {s.id: await self.store.question_history(s.id) for s in submissions}
        self.render("questions_mine.html", submissions=submissions[::-1], history=history)

    async def post(self) -> None:
        author = self.account()
        action = {"resubmit": Action.SUBMIT, "retract": Action.RETRACT}.get(
            self.get_body_argument("action", "")
        )
        if action is None:
            raise tornado.web.HTTPError(400, "Unknown action.")
        question_id = self.get_body_argument("question_id", "")
        try:
            await pipeline.author_move(self.store, author, question_id, action, time.time())
        except pipeline.PipelineError as error:
            raise tornado.web.HTTPError(409, str(error)) from error
        self.redirect("/questions/mine")


class ReviewHandler(AccountHandler):
    """GET a random question to review; POST a review of it."""

    async def get(self) -> None:
        reviewer = self.account()
        submission = await pipeline.next_to_review(self.store, reviewer, random.SystemRandom())
        self._render(submission, thanks=self.get_query_argument("thanks", None) is not None)

    async def post(self) -> None:
        reviewer = self.account()
        form = {
            name: self.get_body_argument(name, "")
            for name in ("question_id", "verdict", "quality", "difficulty", "comment")
        }
        try:
            await pipeline.review(self.store, reviewer, form, time.time())
        except pipeline.PipelineError as error:
            # Nothing of the refused question is shown: its id may name someone's draft.
            self.set_status(400)
            self._render(None, error=str(error))
            return
        self.redirect("/review?thanks=1")

    def _render(self, submission: Any, *, error: str | None = None, thanks: bool = False) -> None:
        self.render(
            "questions_review.html",
            submission=submission,
            error=error,
            thanks=thanks,
            verdicts=list(Verdict),
            qualities=QUALITIES,
            difficulties=DIFFICULTIES,
            max_comment=MAX_COMMENT,
        )


class ContributorsHandler(BaseHandler):
    async def get(self) -> None:
        scores = await self.store.contributors(limit=50)
        self.render("questions_contributors.html", scores=scores)


class ReportHandler(BaseHandler):
    """POST /questions/report: a player reports a question met in a battle (JSON in and out).

    Body {"battle", "question_id", "kind", "typed"?}; the X-XSRFToken header carries the _xsrf
    cookie. 201 for a new report, 200 for a repeat, 400 for a malformed body, 403 for anyone
    who did not play that question in that battle, 429 past REPORTS_PER_PLAYER or
    REPORTS_PER_ADDRESS. See docs/operations.md.
    """

    async def post(self) -> None:
        if self.user is None:
            raise tornado.web.HTTPError(403, "Only a player of that battle can report.")
        now = time.time()
        # Both are counted every time, so neither many guests nor many addresses get round them.
        player_over = await self.over_limit(
            f"report:player:{self.user.id}", REPORTS_PER_PLAYER, now
        )
        address_over = await self.over_limit(
            f"report:ip:{self.request.remote_ip}", REPORTS_PER_ADDRESS, now
        )
        if player_over or address_over:
            raise tornado.web.HTTPError(429, "Too many reports for now; try again in an hour.")
        try:
            payload = tornado.escape.json_decode(self.request.body)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise tornado.web.HTTPError(400, "The body is a JSON object.")
        try:
            found, new = await pipeline.report(self.store, self.user, payload, now)
        except PermissionError as error:
            raise tornado.web.HTTPError(403, str(error)) from error
        except pipeline.PipelineError as error:
            raise tornado.web.HTTPError(400, str(error)) from error
        self.set_status(201 if new else 200)
        self.write({"status": found.status.value, "new": new})

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None))[1]
        message = getattr(error, "log_message", None) or self._reason
        self.finish({"error": message})
