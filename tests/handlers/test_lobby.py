"""The lobby's JSON answers: players online now, and a player's record against an opponent."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from tests.accounts.client import AppTestCase, CookieClient
from tests.store.samples import make_battle


class Tab:
    def deliver(self, message: dict) -> None:
        pass


class LobbyTest(AppTestCase):
    def test_players_online_counts_each_player_with_the_game_open_once(self):
        for user_id in ("ann", "ann", "bob"):
            self.run_sync(self.relay.attach(user_id, Tab()))

        response = self.fetch("/online")

        assert json.loads(response.body) == {"players": 2}
        assert response.headers["Cache-Control"] == "no-store"

    def test_head_to_head_is_told_from_the_asking_players_side(self):
        guest = CookieClient(self)
        guest.post("/guest", nickname="Ann")
        me = re.search(r'data-user-id="([^"]+)"', guest.get("/").body.decode()).group(1)
        won = make_battle("b1", players=[me, "bob"])
        for record in (won, replace(won, id="b2"), make_battle("b3", players=["bob", me])):
            self.run_sync(self.store.record_battle(record))

        mine = json.loads(guest.get("/versus/bob").body)
        nobody = json.loads(guest.get("/versus/cyd").body)

        assert mine == {"wins": 2, "losses": 1, "draws": 0}
        assert nobody == {"wins": 0, "losses": 0, "draws": 0}

    def test_head_to_head_needs_a_player(self):
        response = self.fetch("/versus/bob", raise_error=False)

        assert response.code == 403


class LobbyPageTest(AppTestCase):
    def player(self, nickname: str) -> tuple[CookieClient, str]:
        guest = CookieClient(self)
        guest.post("/guest", nickname=nickname)
        user_id = re.search(r'data-user-id="([^"]+)"', guest.get("/").body.decode()).group(1)
        return guest, user_id

    def test_a_player_changes_their_nickname_from_the_lobby_and_keeps_their_id(self):
        guest, user_id = self.player("Ann")

        guest.post("/guest", nickname="Annie")

        page = guest.get("/").body.decode()
        assert f'data-user-id="{user_id}"' in page and 'data-nickname="Annie"' in page
        assert self.run_sync(self.store.get_user(user_id)).nickname == "Annie"

    def test_a_refused_new_nickname_is_kept_in_the_lobby_form_with_the_reason(self):
        guest, user_id = self.player("Ann")

        response = guest.post("/guest", nickname="A")

        page = response.body.decode()
        assert response.code == 400 and "Hi, Ann!" in page
        assert 'id="new-nickname-error"' in page and 'value="A"' in page
        assert self.run_sync(self.store.get_user(user_id)).nickname == "Ann"

    def test_the_lobby_lists_the_players_recent_battles_newest_first(self):
        guest, me = self.player("Ann")
        for number, finished_at in enumerate((100.0, 300.0, 200.0)):
            players = [me, f"g-rival{number}"]
            self.run_sync(
                self.store.record_battle(
                    make_battle(f"b{number}", finished_at=finished_at, players=players)
                )
            )

        page = guest.get("/").body.decode()

        assert "Your recent battles" in page
        assert page.index("/battles/b1") < page.index("/battles/b2") < page.index("/battles/b0")
