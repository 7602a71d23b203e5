"""The fair-play page: signals newest first with their evidence, player and battle, by kind and
a page at a time; for moderators and admins only (tests/admin/test_authorization.py)."""

from __future__ import annotations

import re

from admin.fair_play import SIGNALS_PAGE
from game.fair_play import Signal, SignalKind
from tests.admin.test_authorization import AdminCase


class TestFairPlayPage(AdminCase):
    def add(self, *signals: Signal) -> None:
        self.io_loop.run_sync(lambda: self.store.add_fair_play_signals(signals))

    def listed(self, path: str) -> tuple[list[tuple[str, str]], str]:
        page = self.call("moderator", "GET", path).body.decode()
        return re.findall(r'data-kind="([^"]+)" data-user-id="([^"]+)"', page), page

    def test_signals_are_listed_newest_first_with_their_evidence_player_and_battle(self):
        self.add(
            Signal(SignalKind.TOO_FAST, "p-1", "b1", 1_000.0, "3 right answers faster than 250 ms"),
            Signal(SignalKind.LEAVES_LOSING, "p-1", "b2", 2_000.0, "left 3 of their last 20"),
        )

        found, page = self.listed("/admin/fair-play")

        assert found == [("leaves_losing", "p-1"), ("too_fast", "p-1")]
        assert "3 right answers faster than 250 ms" in page and "Player" in page
        assert "/battles/b1" in page and "/players/p-1" in page

    def test_one_kind_at_a_time(self):
        self.add(
            Signal(SignalKind.TOO_FAST, "p-1", "b1", 1_000.0, "fast"),
            Signal(SignalKind.SAME_TIMINGS, "p-1", "b1", 1_000.0, "same"),
        )

        found, page = self.listed("/admin/fair-play/same_timings")

        assert found == [("same_timings", "p-1")]
        assert "fixed delay" in page  # what the kind means

    def test_signals_come_a_page_at_a_time(self):
        self.add(
            *(
                Signal(SignalKind.TOO_FAST, "p-1", f"b{n:03d}", 1_000.0 + n, "fast")
                for n in range(SIGNALS_PAGE + 3)
            )
        )

        first, page = self.listed("/admin/fair-play")
        second, _ = self.listed("/admin/fair-play?page=2")

        assert len(first) == SIGNALS_PAGE and len(second) == 3
        assert f"1–{SIGNALS_PAGE} of {SIGNALS_PAGE + 3}" in page

    def test_an_unknown_kind_is_not_a_page(self):
        assert self.call("moderator", "GET", "/admin/fair-play/cheating").code == 404
