"""The admin screens: dashboard, moderation queue, reports queue, question edit, users and roles.

Every handler refuses (403) anyone who is not a moderator or an admin before it does anything;
changing roles needs an admin. Handlers read the form, call services.pipeline, render.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

import tornado.web

from admin.notices import MAIL_NOT_QUEUED, NOTICES, Notice
from admin.paging import list_url, paging, read_search
from game.pipeline import Action, ReportKind, Review
from game.questions import CATEGORIES, DIFFICULTIES, Question
from game.roles import Role, RoleError, granted, parse_role, revoked
from handlers.base import BaseHandler
from handlers.errors import ErrorPage, Link, PageError
from services import pipeline
from services.alias_guard import AnswerIndex
from services.bank_checks import BankChecks
from services.pipeline import FORM_FIELDS
from store.port import Store, User, UserKind
from tasks.queue import QueueUnavailable

log = logging.getLogger("kwissle.admin")

STAFF = frozenset({Role.MODERATOR.value, Role.ADMIN.value})
QUEUE_PAGE = 20  # submissions a page, each with its checks
USERS_PAGE = 50
REFUSED = "This page is for moderators and admins."
MAX_SLOW_SECONDS = 10.0


class AdminHandler(BaseHandler):
    """Refuses everyone without one of `roles` (default: moderators and admins) with a 403."""

    roles: frozenset[str] = STAFF

    async def prepare(self) -> None:
        await super().prepare()
        if not self.holds(self.roles):
            if self.is_staff:
                raise PageError(403, "Admins only", "This page is for admins.")
            raise PageError(403, "Moderators only", REFUSED)

    def holds(self, roles: frozenset[str]) -> bool:
        return self.user is not None and bool(roles & set(self.user.roles))

    @property
    def is_staff(self) -> bool:
        """A moderator or an admin, whom the dashboard lets in."""
        return self.holds(STAFF)

    @property
    def staff(self) -> User:
        assert self.user is not None  # prepare() let only staff through
        return self.user

    @property
    def site_url(self) -> str:
        """The game site players use (KWISSLE_PUBLIC_URL), which this process does not serve."""
        return str(self.settings["public_url"])

    async def nicknames(self, user_ids: Iterable[str]) -> dict[str, str]:
        """The nickname of each of these users the store knows, to show instead of ids."""
        found = {user_id: await self.store.get_user(user_id) for user_id in set(user_ids)}
        return {user_id: user.nickname for user_id, user in found.items() if user is not None}

    def notice(self) -> Notice | None:
        """What the last action did, named by the `notice` code of the redirect to this page."""
        return NOTICES.get(self.get_query_argument("notice", ""))

    def render_admin(self, template: str, **values: Any) -> None:
        self.render(f"admin/{template}", staff=self.staff, site_url=self.site_url, **values)

    def error_links(self) -> tuple[Link, ...]:
        # Anyone but staff is sent to the game: every admin page would refuse them again.
        if self.is_staff:
            return (Link("/admin", "Back to the dashboard"),)
        home = Link(f"{self.site_url}/", "Back to the game")
        if self.user is None or self.user.kind is not UserKind.ACCOUNT:
            return (Link(f"{self.site_url}/signin", "Sign in"), home)
        return (home,)

    def render_error(self, page: ErrorPage) -> None:
        staff = self.user if self.is_staff else None
        self.render("admin/error.html", page=page, staff=staff, site_url=self.site_url)


class CheckingHandler(AdminHandler):
    """A page that checks questions against the bank, with the process's cached index."""

    def initialize(self, store: Store, checks: BankChecks) -> None:  # type: ignore[override]
        super().initialize(store)
        self.checks = checks


def review_summary(reviews: list[Review]) -> dict[str, Any]:
    """Verdict counts, mean quality and difficulty, and the comments, for one round."""
    return {
        "verdicts": Counter(r.verdict.value for r in reviews),
        "quality": statistics.mean(r.quality for r in reviews) if reviews else None,
        "difficulty": statistics.mean(r.difficulty for r in reviews) if reviews else None,
        "comments": [r for r in reviews if r.comment],
    }


def question_form(question: Question) -> dict[str, str]:
    """A question as the edit form's field values."""
    return {
        "category": question.category,
        "difficulty": str(question.difficulty),
        "text": question.text,
        "answer": question.answer,
        "aliases": "\n".join(question.aliases),
        **{f"wrong{i}": w for i, w in enumerate(question.wrong, 1)},
        "refused": "\n".join(question.refused),
        "person": "on" if question.person else "",
        "did_you_know": question.did_you_know,
    }


class QueueHandler(CheckingHandler):
    """Questions the reviewers approved, then those still waiting for reviews, a page at a time,
    each with what the bank checks say about it (what its author's preview said)."""

    async def get(self) -> None:
        search, number = read_search(self)
        total = await self.store.count_moderation_queue(search)
        page = paging("/admin/queue", search, number, QUEUE_PAGE, total)
        waiting = await self.store.moderation_queue(
            search=search, offset=page.offset, limit=page.size
        )
        summaries = {
            s.id: review_summary(await self.store.reviews_of(s.id, s.round)) for s in waiting
        }
        problems = {s.id: (await self.checks.check(s.question)).problems for s in waiting}
        self.render_admin(
            "queue.html",
            submissions=waiting,
            paging=page,
            search_hint="question, answer or author",
            nicknames=await self.nicknames(s.author_id for s in waiting),
            summaries=summaries,
            problems_of=problems,
            forms={s.id: question_form(s.question) for s in waiting},
            categories=CATEGORIES,
            difficulties=DIFFICULTIES,
            notice=self.notice(),
        )


DECISIONS = {"publish": Action.PUBLISH, "reject": Action.REJECT, "edit": Action.EDIT}
DECIDED = {Action.PUBLISH: "published", Action.REJECT: "rejected", Action.EDIT: "edited"}


class DecisionHandler(CheckingHandler):
    """POST publish, reject (with a reason, mailed to the author) or edit for one submission."""

    def initialize(  # type: ignore[override]
        self, store: Store, checks: BankChecks, notify_rejection: pipeline.RejectionNotifier
    ) -> None:
        super().initialize(store, checks)
        self.notify_rejection = notify_rejection

    async def post(self, question_id: str) -> None:
        action = DECISIONS.get(self.get_body_argument("action", ""))
        if action is None:
            raise tornado.web.HTTPError(400, "Unknown action.")
        try:
            question = None
            if action is Action.EDIT:
                form = {name: self.get_body_argument(name, "") for name in FORM_FIELDS}
                question = pipeline.question_from_form(form, question_id)
            await pipeline.decide(
                self.store,
                self.staff,
                question_id,
                action,
                time.time(),
                why=self.get_body_argument("why", ""),
                question=question,
                notify_rejection=self.notify_rejection,
                checks=self.checks,
            )
        except pipeline.Conflict as error:
            raise tornado.web.HTTPError(409, str(error)) from error
        except pipeline.PipelineError as error:
            raise tornado.web.HTTPError(400, str(error)) from error
        except QueueUnavailable as error:
            # The rejection is stored; only the mail about it is missing.
            log.warning("rejection of %s stored, its mail not queued: %s", question_id, error)
            self.redirect(self._back(MAIL_NOT_QUEUED))
            return
        self.redirect(self._back(DECIDED[action]))

    def _back(self, notice: str) -> str:
        """The queue's page the decision was taken on, saying what it did."""
        search, number = read_search(self, "body")
        return list_url("/admin/queue", search, number, notice)


# A report's actions, and the notice each one ends with.
REPORT_ACTIONS = {"alias": "alias-added", "unpublish": "unpublished", "dismiss": "dismissed"}


class ReportsHandler(CheckingHandler):
    """GET the open reports; POST add-alias, unpublish (with a reason) or dismiss one."""

    async def get(self) -> None:
        reports = await pipeline.open_reports(self.store, time.time())
        questions = {r.question_id: await self.store.get_question(r.question_id) for r in reports}
        answers = AnswerIndex(await self.store.published_questions())
        warnings = {
            r: answers.warning(r.typed, question)
            for r in reports
            if r.typed and (question := questions[r.question_id]) is not None
        }
        self.render_admin(
            "reports.html",
            reports=reports,
            questions=questions,
            warnings=warnings,
            nicknames=await self.nicknames(r.reporter_id for r in reports),
            judged=ReportKind.JUDGED_WRONGLY,
            notice=self.notice(),
        )

    async def post(self) -> None:
        key = tuple(self.get_body_argument(n, "") for n in ("battle", "question_id", "reporter"))
        found = next(
            (r for r in await pipeline.open_reports(self.store, time.time(), limit=1000) if
             (r.battle_id, r.question_id, r.reporter_id) == key),
            None,
        )  # fmt: skip
        action = self.get_body_argument("action", "")
        if found is None:
            raise tornado.web.HTTPError(409, "That report is already closed.")
        if action not in REPORT_ACTIONS:
            raise tornado.web.HTTPError(400, "Unknown action.")
        why = self.get_body_argument("why", "").strip()
        if action == "unpublish" and not why:
            raise tornado.web.HTTPError(400, "Unpublishing needs a reason.")
        if action == "alias" and self.get_body_argument("confirm", "") != "same-answer":
            self.redirect("/admin/reports?notice=not-confirmed")
            return
        try:
            await pipeline.close_report(
                self.store,
                self.staff,
                found,
                time.time(),
                add_alias=action == "alias",
                unpublish_why=why if action == "unpublish" else "",
                checks=self.checks,
            )
        except pipeline.PipelineError as error:
            raise tornado.web.HTTPError(400, str(error)) from error
        self.redirect(f"/admin/reports?notice={REPORT_ACTIONS[action]}")


class EditQuestionHandler(CheckingHandler):
    """Edit any stored question in place (from a report, or a published submission)."""

    async def get(self, question_id: str) -> None:
        question = await self.store.get_question(question_id)
        submission = await self.store.get_submission(question_id)
        if question is None and submission is not None:
            question = submission.question
        if question is None:
            raise tornado.web.HTTPError(404, "No question with that id.")
        history = await self.store.question_history(question_id)
        self.render_admin(
            "question.html",
            question=question,
            problems=(await self.checks.check(question)).problems,
            form=question_form(question),
            history=history,
            nicknames=await self.nicknames(change.by for change in history),
            categories=CATEGORIES,
            difficulties=DIFFICULTIES,
            notice=self.notice(),
        )

    async def post(self, question_id: str) -> None:
        form = {name: self.get_body_argument(name, "") for name in FORM_FIELDS}
        try:
            question = pipeline.question_from_form(form, question_id)
            if await self.store.get_question(question_id) is None:
                raise pipeline.PipelineError("Only stored bank questions are edited here.")
            await pipeline.change_bank_question(
                self.store, self.staff, question, Action.EDIT, time.time(), checks=self.checks
            )
        except pipeline.PipelineError as error:
            raise tornado.web.HTTPError(400, str(error)) from error
        self.redirect(f"/admin/questions/{question_id}?notice=saved")


# What each button on the users page does to a user's roles, and the notice it ends with.
ROLE_CHANGES = {"grant": (granted, "granted"), "revoke": (revoked, "revoked")}


class UsersHandler(AdminHandler):
    """Accounts and their roles, searched and a page at a time; only admins may see or change
    them."""

    roles = frozenset({Role.ADMIN.value})

    async def get(self) -> None:
        search, number = read_search(self)
        total = await self.store.count_accounts(search)
        page = paging("/admin/users", search, number, USERS_PAGE, total)
        users = await self.store.accounts(search=search, offset=page.offset, limit=page.size)
        self.render_admin(
            "users.html",
            users=users,
            roles=list(Role),
            paging=page,
            search_hint="nickname or email address",
            notice=self.notice(),
        )

    async def post(self) -> None:
        user = await self.store.get_user(self.get_body_argument("user_id", ""))
        if user is None:
            raise tornado.web.HTTPError(404, "No such user.")
        if user.kind is not UserKind.ACCOUNT:
            raise tornado.web.HTTPError(400, "Only accounts hold roles; that is a guest.")
        action = self.get_body_argument("action", "")
        if action not in ROLE_CHANGES:
            raise tornado.web.HTTPError(400, "Unknown action.")
        try:
            role = parse_role(self.get_body_argument("role", ""))
            change, _ = ROLE_CHANGES[action]
            await self.store.set_roles(user.id, change(user.roles, role))
        except RoleError as error:
            raise tornado.web.HTTPError(400, str(error)) from error
        search, number = read_search(self, "body")
        self.redirect(list_url("/admin/users", search, number, ROLE_CHANGES[action][1]))


class SlowHandler(AdminHandler):
    """Test only (KWISSLE_ADMIN_TEST_ROUTES): blocks this whole process, like a heavy report."""

    def get(self) -> None:
        seconds = min(float(self.get_query_argument("seconds", "2")), MAX_SLOW_SECONDS)
        time.sleep(seconds)  # deliberately blocking: the point is that battles do not notice
        self.write({"slept": seconds})


class RemoteIPHandler(AdminHandler):
    """Test only: the client address this process believes, to check nginx's X-Real-IP."""

    def get(self) -> None:
        self.write({"remote_ip": self.request.remote_ip})


class NotFoundHandler(AdminHandler):
    async def prepare(self) -> None:
        await super().prepare()
        raise tornado.web.HTTPError(404, "There is no admin page here.")
