"""The game process's pages, through Tornado's test server with a real SQLite store."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from game.record import AttemptEntry, BattleRecord, Method, Outcome, PlayerEntry, QuestionEntry
from sockets.auth import read_token
from tests.accounts.client import AppTestCase

XSS = "<script>x()</script>"


class PagesTest(AppTestCase):
    def sign_up(self, nickname: str) -> tuple[int, str, str]:
        """POST the guest form the way a browser does; returns status, cookie header, body."""
        home = self.fetch("/")
        xsrf = SimpleCookie(home.headers["Set-Cookie"])["_xsrf"].value
        response = self.fetch(
            "/guest",
            method="POST",
            body=urlencode({"nickname": nickname, "_xsrf": xsrf}),
            headers={"Cookie": f"_xsrf={xsrf}"},
            follow_redirects=False,
            raise_error=False,
        )
        cookies = "; ".join(
            f"{k}={v.value}"
            for k, v in SimpleCookie(", ".join(response.headers.get_list("Set-Cookie"))).items()
        )
        return response.code, f"_xsrf={xsrf}; {cookies}", response.body.decode()

    def test_a_newcomer_is_asked_for_a_nickname(self):
        response = self.fetch("/")

        assert response.code == 200
        assert b'name="nickname"' in response.body and b"data-token" not in response.body

    def test_every_page_forbids_inline_script(self):
        response = self.fetch("/rules")

        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert "connect-src 'self';" in response.headers["Content-Security-Policy"]
        assert not re.search(rb"<script(?![^>]*\bsrc=)", response.body)

    def test_a_guest_gets_a_signed_cookie_and_a_socket_token(self):
        code, cookies, _ = self.sign_up("Ann")

        assert code == 302
        page = self.fetch("/", headers={"Cookie": cookies}).body.decode()
        token = re.search(r'data-token="([^"]+)"', page).group(1)
        identity = read_token(self.settings.cookie_secret, token)
        assert identity is not None and identity.nickname == "Ann"
        assert self.io_loop.run_sync(lambda: self.store.get_user(identity.user_id)) is not None

    def test_a_guests_pages_are_never_cached(self):
        _, cookies, _ = self.sign_up("Ann")

        home = self.fetch("/", headers={"Cookie": cookies})

        assert home.headers["Cache-Control"] == "no-store"

    def test_a_bad_nickname_is_refused_with_the_reason_and_nothing_stored(self):
        code, cookies, body = self.sign_up("A")

        assert code == 400 and "at least 2 characters" in body
        assert "kwissle_user" not in cookies

    def test_the_guest_form_needs_the_xsrf_token(self):
        response = self.fetch("/guest", method="POST", body="nickname=Ann", raise_error=False)

        assert response.code == 403

    def test_a_nickname_is_escaped_where_it_is_shown(self):
        _, cookies, _ = self.sign_up(XSS)

        page = self.fetch("/", headers={"Cookie": cookies}).body.decode()

        assert XSS not in page and "&lt;script&gt;" in page

    def test_the_rules_link_to_what_the_judge_forgives(self):
        rules = self.fetch("/rules").body.decode()
        answers = self.fetch("/rules/answers")

        assert 'href="/rules/answers"' in rules
        assert answers.code == 200 and b"<h1" in answers.body

    def test_assets_are_served_with_cache_busting_urls(self):
        page = self.fetch("/").body.decode()

        assert re.search(r"/static/css/[\w.-]+\.css\?v=[0-9a-f]+", page)

    def test_an_unknown_battle_is_a_clear_404(self):
        response = self.fetch("/battles/" + "0" * 32, raise_error=False)

        assert response.code == 404 and b"No battle with that id" in response.body

    def test_the_replay_shows_every_attempt_with_its_verdict_escaped(self):
        record = BattleRecord(
            id="a" * 32,
            started_at=1.0,
            finished_at=2.0,
            outcome=Outcome.FINISHED,
            winner_id="g-ann",
            players=(PlayerEntry("g-ann", XSS, 3), PlayerEntry("g-bob", "Bob", 0)),
            questions=(
                QuestionEntry(
                    "q-missing",
                    (
                        AttemptEntry("g-bob", Method.TYPED, XSS, False, "not the answer", 1200),
                        AttemptEntry("g-ann", Method.TYPED, "Canbera", True, "1 typo", 2500, 3),
                    ),
                    taken_by="g-ann",
                ),
            ),
        )
        self.io_loop.run_sync(lambda: self.store.record_battle(record))

        page = self.fetch("/battles/" + "a" * 32).body.decode()

        assert "Canbera" in page and "1 typo" in page and "not the answer" in page
        assert XSS not in page

    def test_the_replay_tells_each_question_as_the_reveal_did_late_attempts_included(self):
        record = BattleRecord(
            id="b" * 32,
            started_at=1.0,
            finished_at=2.0,
            outcome=Outcome.FINISHED,
            winner_id="g-ann",
            category="geography",
            players=(PlayerEntry("g-ann", "Ann", 3), PlayerEntry("bot-1", "Practice bot", 0, True)),
            questions=(
                QuestionEntry(
                    "fixture-001",
                    (AttemptEntry("g-ann", Method.TYPED, "Italy", True, "exact", 1300, 3),),
                    taken_by="g-ann",
                    late=(
                        AttemptEntry("bot-1", Method.CHOICE, "Italy", True, "right choice", 1340),
                    ),
                ),
            ),
        )
        self.io_loop.run_sync(lambda: self.store.record_battle(record))

        page = self.fetch("/battles/" + "b" * 32).body.decode()

        assert "Ann took it in 1.3\u00a0s, 40\u00a0ms ahead of Practice bot" in page
        assert "right, but 40\u00a0ms too late" in page and "Geography" in page
        assert "practice bot</span>" not in page  # its name says so already

    def test_an_unknown_page_is_a_404_page(self):
        response = self.fetch("/nowhere", raise_error=False)

        assert response.code == 404 and b"There is no page here" in response.body
