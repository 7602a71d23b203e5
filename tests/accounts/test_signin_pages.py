"""Sign-in through the game app's pages: links, browsers, limits, sessions, roles and merges."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from tornado.web import create_signed_value

from game.signin import LINK_LIFETIME, new_token
from handlers.auth import NONCE_COOKIE
from handlers.base import SESSION_COOKIE, USER_COOKIE
from store.port import UserKind
from tests.accounts.client import AppTestCase, CookieClient, page_text, signed_in_email
from tests.store.samples import make_battle


class SigninTest(AppTestCase):
    def ask_link(self, client: CookieClient, email: str = "ann@example.org") -> str:
        """The path of the link mailed for `email`, asked for by `client`."""
        response = client.post("/signin", email=email)
        assert response.code == 200, page_text(response)
        return urlsplit(self.queue.links[-1]).path

    def signed_in(self, email: str = "ann@example.org") -> CookieClient:
        client = CookieClient(self)
        client.fetch(self.ask_link(client, email))
        return client

    # asking for a link

    def test_a_link_is_mailed_to_the_address_typed(self):
        response = CookieClient(self).post("/signin", email=" Ann@Example.org ")

        assert "Check your mail" in page_text(response)
        assert len(self.queue.links) == 1
        assert self.queue.links[0].startswith(self.settings.public_url + "/signin/")

    def test_a_known_and_an_unknown_address_get_the_same_answer(self):
        self.signed_in("known@example.org")

        known = CookieClient(self).post("/signin", email="known@example.org")
        unknown = CookieClient(self).post("/signin", email="nobody@example.org")

        assert known.code == unknown.code == 200
        assert page_text(known).replace("known@", "nobody@") == page_text(unknown)

    def test_a_mistyped_address_is_refused_with_the_reason_and_no_link(self):
        response = CookieClient(self).post("/signin", email="ann@example")

        assert response.code == 400 and "does not look like an email" in page_text(response)
        assert self.queue.links == []

    def test_the_form_needs_its_xsrf_field(self):
        response = self.fetch("/signin", method="POST", body="email=ann%40example.org")

        assert response.code == 403 and self.queue.links == []

    def test_too_many_links_for_one_address_are_refused_with_a_clear_message(self):
        client = CookieClient(self)
        for _ in range(5):
            assert client.post("/signin", email="ann@example.org").code == 200

        response = client.post("/signin", email="ann@example.org")

        assert response.code == 429 and "Too many links" in page_text(response)
        assert len(self.queue.links) == 5

    def test_too_many_links_from_one_network_are_refused(self):
        client = CookieClient(self)
        for number in range(20):
            client.post("/signin", email=f"p{number}@example.org")

        response = client.post("/signin", email="one.more@example.org")

        assert response.code == 429 and "from your network" in page_text(response)

    # following a link

    def test_following_the_link_makes_the_account_and_signs_the_browser_in(self):
        client = CookieClient(self)
        link = self.ask_link(client)

        response = client.fetch(link)

        assert response.code == 302 and response.headers["Location"] == "/"
        assert signed_in_email(client) == "ann@example.org"
        account = self.run_sync(self.store.find_user_by_email("ann@example.org"))
        assert account.kind is UserKind.ACCOUNT and account.roles == ("player",)

    def test_a_link_works_once(self):
        client = CookieClient(self)
        link = self.ask_link(client)
        client.fetch(link)

        again = client.fetch(link)

        assert again.code == 410 and "used already" in page_text(again)

    def test_an_expired_link_is_refused(self):
        client = CookieClient(self)
        asked_at = time.time() - LINK_LIFETIME - 1
        token = new_token("old-secret", "ann@example.org", "nonce", None, asked_at)
        self.run_sync(self.store.save_signin_token(token))
        secret = self.settings.cookie_secret
        client.cookies[NONCE_COOKIE] = create_signed_value(secret, NONCE_COOKIE, "nonce").decode()

        response = client.fetch("/signin/old-secret")

        assert response.code == 410 and "minutes old" in page_text(response)
        assert signed_in_email(client) is None

    def test_a_link_forwarded_to_another_browser_does_not_sign_it_in(self):
        asking = CookieClient(self)
        link = self.ask_link(asking)
        other = CookieClient(self)

        response = other.fetch(link)

        assert response.code == 403 and "another browser" in page_text(response)
        assert signed_in_email(other) is None
        assert asking.fetch(link).code == 302  # still good where it was asked for

    def test_a_guessed_link_is_refused(self):
        response = CookieClient(self).fetch("/signin/" + "A" * 43)

        assert response.code == 404 and "not valid" in page_text(response)

    def test_guessing_links_from_one_network_is_cut_off(self):
        client = CookieClient(self)
        for number in range(30):
            client.fetch(f"/signin/guess{number}")
        link = self.ask_link(client)

        response = client.fetch(link)

        assert response.code == 429 and signed_in_email(client) is None

    # sessions and roles

    def test_session_cookies_are_http_only_and_same_site_lax(self):
        client = CookieClient(self)
        link = self.ask_link(client)

        response = client.fetch(link)

        cookie = next(c for c in response.headers.get_list("Set-Cookie") if SESSION_COOKIE in c)
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie

    def test_each_sign_in_starts_a_new_session_and_ends_the_old_one(self):
        client = self.signed_in()
        first = client.cookies[SESSION_COOKIE]

        client.fetch(self.ask_link(client))

        assert client.cookies[SESSION_COOKIE] != first
        old = CookieClient(self)
        old.cookies[SESSION_COOKIE] = first
        assert signed_in_email(old) is None

    def test_after_signing_out_the_old_session_cookie_is_refused(self):
        client = self.signed_in()
        old_cookie = client.cookies[SESSION_COOKIE]

        client.post("/signout")

        assert signed_in_email(client) is None
        replay = CookieClient(self)
        replay.cookies[SESSION_COOKIE] = old_cookie
        assert signed_in_email(replay) is None

    def test_pages_shown_to_a_signed_in_player_are_never_cached(self):
        client = self.signed_in()

        responses = [client.get(path) for path in ("/", "/account", "/rules")]
        visitor = self.fetch("/rules")

        assert [r.headers.get("Cache-Control") for r in responses] == ["no-store"] * 3
        assert "no-store" not in visitor.headers.get("Cache-Control", "")

    def test_a_role_change_is_seen_by_an_open_session_at_once(self):
        client = self.signed_in()
        account = self.run_sync(self.store.find_user_by_email("ann@example.org"))

        self.run_sync(self.store.set_roles(account.id, ("player", "moderator")))

        assert "player, moderator" in page_text(client.get("/account"))

    def test_the_account_page_lists_recent_battles_with_their_replays(self):
        client = self.signed_in()
        account = self.run_sync(self.store.find_user_by_email("ann@example.org"))
        battle = make_battle("f" * 32, finished_at=time.time() - 7200, players=(account.id, "bob"))
        self.run_sync(self.store.record_battle(battle))

        page = page_text(client.get("/account"))

        assert f'href="/battles/{"f" * 32}"' in page and "<strong>Bob</strong>" in page
        assert "Won" in page and "2\u00a0hours ago" in page
        assert 'href="/questions/mine"' in page

    def test_an_account_id_in_the_guest_cookie_is_not_a_sign_in(self):
        client = self.signed_in()
        account = self.run_sync(self.store.find_user_by_email("ann@example.org"))
        forged = CookieClient(self)
        secret = self.settings.cookie_secret
        forged.cookies[USER_COOKIE] = create_signed_value(secret, USER_COOKIE, account.id).decode()

        assert signed_in_email(forged) is None
        assert signed_in_email(client) == "ann@example.org"

    # guests becoming accounts

    def test_a_guests_battles_appear_under_the_account_after_signing_in(self):
        client = CookieClient(self)
        client.post("/guest", nickname="Gus")
        guest_id = self.guest_id(client)
        self.run_sync(self.store.record_battle(make_battle("b1", players=[guest_id, "bob"])))

        client.fetch(self.ask_link(client, "gus@example.org"))

        account = self.run_sync(self.store.find_user_by_email("gus@example.org"))
        assert account.nickname == "Gus"
        assert [b.id for b in self.run_sync(self.store.battles_of(account.id))] == ["b1"]
        assert self.run_sync(self.store.get_user(guest_id)) is None

    def test_another_browsers_guest_in_a_forged_cookie_is_not_merged(self):
        victim = CookieClient(self)
        victim.post("/guest", nickname="Vic")
        victim_id = self.guest_id(victim)
        self.run_sync(self.store.record_battle(make_battle("b1", players=[victim_id, "bob"])))
        attacker = CookieClient(self)
        forged = create_signed_value("a guessed secret", USER_COOKIE, victim_id).decode()
        attacker.cookies[USER_COOKIE] = forged

        attacker.fetch(self.ask_link(attacker, "mallory@example.org"))

        account = self.run_sync(self.store.find_user_by_email("mallory@example.org"))
        assert self.run_sync(self.store.battles_of(account.id)) == []
        assert [b.id for b in self.run_sync(self.store.battles_of(victim_id))] == ["b1"]
        assert self.run_sync(self.store.get_user(victim_id)) is not None

    def guest_id(self, client: CookieClient) -> str:
        page = page_text(client.get("/"))
        return page.split('data-user-id="', 1)[1].split('"', 1)[0]


class SecureSigninTest(AppTestCase):
    https = True

    def test_cookies_are_secure_when_served_over_https(self):
        client = CookieClient(self)
        client.post("/signin", email="ann@example.org")

        response = client.fetch(urlsplit(self.queue.links[-1]).path)

        cookie = next(c for c in response.headers.get_list("Set-Cookie") if SESSION_COOKIE in c)
        assert "Secure" in cookie
