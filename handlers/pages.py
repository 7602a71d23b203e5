"""The player's pages: home (nickname, then Play), rules, and a battle's replay."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import markdown
import tornado.web

from game.nickname import MAX_LENGTH, NicknameError, validate_nickname
from game.questions import CATEGORIES, Question
from game.record import AttemptEntry, QuestionEntry
from game.story import Verdict, attempt_note, verdict
from handlers.base import BaseHandler
from handlers.played import played_by
from handlers.players import BoardsBase, standing_of
from services.reports.serving import Served
from sockets.auth import Identity, issue_token
from store.port import Store, User

DOCS = Path(__file__).resolve().parent.parent / "docs"


RECENT_BATTLES = 5


class HomeHandler(BoardsBase):
    """GET /: the nickname form for a visitor; the lobby, with the top players, for a player."""

    async def get(self) -> None:
        await self._render_home(error=None)

    async def _render_home(self, error: str | None, typed: str = "") -> None:
        user = self.user
        token = None
        battles = []
        top = None
        if user is not None:
            identity = Identity(user.id, user.nickname, self.session_key)
            token = issue_token(self.settings["cookie_secret"], identity)
            records = await self.store.battles_of(user.id, limit=RECENT_BATTLES)
            battles = [played_by(record, user.id) for record in records]
            top = lobby_board(await self.boards(None))
        self.render(
            "home.html",
            user=user,
            token=token,
            battles=battles,
            top=top,
            standing=await standing_of(self.store, user),
            categories=CATEGORIES,
            error=error,
            typed=typed,  # a refused nickname, kept in the field to correct
            nickname_max=MAX_LENGTH,
            xsrf=self.xsrf_token.decode(),  # for the page's own JSON requests (reports)
        )


def lobby_board(served: Served) -> dict[str, Any] | None:
    """The board the lobby shows: the rating one, or, before anyone is rated, questions taken."""
    if served.data is None:
        return None
    tables = {t["id"]: t for t in served.data["tables"]}
    return next((tables[i] for i in ("rating", "taken") if tables[i]["rows"]), None)


class GuestHandler(HomeHandler):
    """POST /guest: a new guest with the chosen nickname, remembered by a signed cookie."""

    async def post(self) -> None:
        typed = self.get_body_argument("nickname", "")
        try:
            nickname = validate_nickname(typed)
        except NicknameError as error:
            self.set_status(400)
            await self._render_home(error=str(error), typed=typed)
            return
        user = self.user
        if user is None:
            user = User(id=f"g-{uuid.uuid4().hex}", nickname=nickname, created_at=time.time())
        else:
            user = User(user.id, nickname, user.kind, user.email, user.roles, user.created_at)
        await self.store.save_user(user)
        self.set_user_cookie(user)
        self.redirect("/")


class RulesHandler(BaseHandler):
    def get(self) -> None:
        self.render("rules.html")


@cache
def _doc_html(name: str) -> str:
    text = (DOCS / f"{name}.md").read_text(encoding="utf-8")
    html = markdown.markdown(text, extensions=["tables"])
    # A table wider than a phone scrolls in its own box, which the keyboard can reach too.
    return html.replace("<table>", '<div class="table-scroll" tabindex="0"><table>').replace(
        "</table>", "</table></div>"
    )


class DocHandler(BaseHandler):
    """One of our docs/ pages for players (how answers are judged, how ratings work); the
    markdown is ours, not a player's."""

    def initialize(self, store: Store, doc: str, title: str) -> None:  # type: ignore[override]
        super().initialize(store)
        self.doc = doc
        self.title = title

    def get(self) -> None:
        self.render("doc.html", title=self.title, body_html=_doc_html(self.doc))


@dataclass(frozen=True)
class ReplayRow:
    """One attempt on the replay page, told as the live reveal told it."""

    name: str
    attempt: AttemptEntry
    note: str
    tone: str  # right, wrong, late


@dataclass(frozen=True)
class ReplayQuestion:
    question: Question | None  # None when the bank no longer has it
    verdict: Verdict
    rows: list[ReplayRow]


class ReplayHandler(BaseHandler):
    """GET /battles/<id>: every question of a stored battle, told from the viewer's seat (or a
    spectator's), with the same one-line stories the players saw live."""

    async def get(self, battle_id: str) -> None:
        record = await self.store.get_battle(battle_id)
        if record is None:
            raise tornado.web.HTTPError(404, "No battle with that id.")
        names = {p.user_id: p.nickname for p in record.players}
        viewer_id = self.user.id if self.user and self.user.id in names else None
        questions = [
            ReplayQuestion(
                await self.store.get_question(entry.question_id),
                verdict(entry, viewer_id, names),
                [
                    ReplayRow(names.get(a.user_id, "someone"), a, attempt_note(entry, a), tone)
                    for a, tone in _told(entry, viewer_id)
                ],
            )
            for entry in record.questions
        ]
        self.render("replay.html", record=record, questions=questions, viewer_id=viewer_id)


def _told(entry: QuestionEntry, viewer_id: str | None) -> list[tuple[AttemptEntry, str]]:
    """Every attempt at a question in the order made, late ones last, with its tone: the
    viewer's own mistakes are errors, anyone else's only someone else's miss."""

    def tone(attempt: AttemptEntry, late: bool) -> str:
        if attempt.correct:
            return "late" if late else "right"
        return "wrong" if viewer_id in (None, attempt.user_id) else "them-wrong"

    in_time = [(a, tone(a, late=False)) for a in entry.attempts]
    return in_time + [(a, tone(a, late=True)) for a in entry.late]


class NotFoundHandler(BaseHandler):
    def check_xsrf_cookie(self) -> None:
        """Nothing here to protect: any method on an unknown path is a plain 404."""

    def prepare(self) -> None:  # type: ignore[override]
        raise tornado.web.HTTPError(404, "There is no page here.")
