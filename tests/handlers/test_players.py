"""Leaderboards served from the report worker's cache, and players' profiles."""

from __future__ import annotations

import html
import re
import time

from game.statistics import day_of
from services import leaderboards
from services.reports.serving import build_and_save
from store.port import User, UserKind
from tests.accounts.client import AppTestCase, CookieClient
from tests.store.samples import make_battle, make_question

ANN = User("a-ann", "Ann", UserKind.ACCOUNT, "ann@example.org")
BOB = User("a-bob", "Bob", UserKind.ACCOUNT, "bob@example.org")


def words(response) -> str:
    """What a reader sees of a page: its text, tags and entities left out, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.body.decode())
    return " ".join(html.unescape(text).split())


class PlayersTest(AppTestCase):
    def play(self, count: int) -> None:
        for user in (ANN, BOB):
            self.run_sync(self.store.save_user(user))
        for question_id in ("q1", "q2"):
            self.run_sync(self.store.upsert_question(make_question(question_id)))
        for number in range(count):
            record = make_battle(f"b{number}", finished_at=time.time() - 60 + number,
                                 players=[ANN.id, BOB.id])  # fmt: skip
            self.run_sync(self.store.record_battle(record))

    def test_the_leaderboards_say_so_while_the_worker_has_not_built_them(self):
        page = words(self.fetch("/leaderboards"))

        assert "being worked out" in page

    def test_the_leaderboards_show_the_cached_copy_with_its_age(self):
        self.play(3)
        filters = leaderboards.for_category(None, day_of(time.time()))
        self.run_sync(build_and_save(self.store, leaderboards.NAME, filters))

        page = words(self.fetch("/leaderboards"))

        assert "Worked out just now" in page
        board = (
            "Questions taken, all time · every category # Player Taken Met 1 Ann Taken: 6 Met: 6"
        )
        assert board in page
        assert "Rating, all time Nobody yet" in page  # three battles: still provisional

    def test_an_unknown_category_is_a_404(self):
        assert self.fetch("/leaderboards?category=astrology", raise_error=False).code == 404

    def test_a_profile_shows_the_rating_battles_and_figures(self):
        self.play(2)

        page = words(self.fetch(f"/players/{ANN.id}"))

        assert "Ann" in page and "Won · lost · drawn 2 · 0 · 0" in page
        assert "Rating over time" in page and "Met most often" in page
        assert "Bob 2 battles: 2 won, 0 lost, 0 drawn" in page

    def test_a_profile_is_found_by_nickname_and_a_shared_nickname_asks_which(self):
        self.play(1)
        self.run_sync(self.store.save_user(User("g-ann", "Ann")))

        page = words(self.fetch("/players/ann"))

        assert "Several players are called ann" in page
        assert words(self.fetch("/players/Bob")).count("Won · lost · drawn") == 1

    def test_an_unknown_player_is_a_404(self):
        assert self.fetch("/players/nobody-at-all", raise_error=False).code == 404

    def test_a_guest_sees_that_guests_play_unrated_on_the_lobby(self):
        guest = CookieClient(self)
        guest.post("/guest", nickname="Gus")

        page = words(guest.get("/"))

        assert "Guests play unrated" in page and "Top players" in page
