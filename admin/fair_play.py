"""The fair-play page: the signals recorded after battles (game.fair_play), newest first, of one
kind or all, a page at a time, each with its evidence, its player and its battle.

Signals are for a moderator to look into; nothing on this page acts on a player.
"""

from __future__ import annotations

from admin.pages import AdminHandler
from admin.paging import paging, read_search
from game.fair_play import SignalKind

SIGNALS_PAGE = 50
KIND_PATTERN = "|".join(kind.value for kind in SignalKind)
# Each kind: its name on the page, and what it means.
KINDS: dict[SignalKind, tuple[str, str]] = {
    SignalKind.TOO_FAST: (
        "Faster than reading",
        "Right answers that came less than a quarter of a second after the question reached "
        "the player (their measured round trip taken off).",
    ),
    SignalKind.SAME_TIMINGS: (
        "Same timings",
        "Right answers from several battles that all came at the same moment after their "
        "questions opened, within a few milliseconds: a script's fixed delay.",
    ),
    SignalKind.FREQUENT_PAIR: (
        "Meets one player often",
        "Two people who met far more often in a week than random pairing among everyone who "
        "played would have them meet. Rematches count as meetings.",
    ),
    SignalKind.LEAVES_LOSING: (
        "Leaves when losing",
        "A player who forfeited several of their latest battles against people while behind. "
        "They are paired with others who do, until someone has waited as long as the bot offer.",
    ),
}


class FairPlayHandler(AdminHandler):
    """GET /admin/fair-play[/KIND]: moderators and admins."""

    async def get(self, kind_name: str | None = None) -> None:
        kind = SignalKind(kind_name) if kind_name else None
        _, number = read_search(self)
        total = await self.store.count_fair_play_signals(kind)
        path = "/admin/fair-play" + (f"/{kind.value}" if kind else "")
        page = paging(path, "", number, SIGNALS_PAGE, total)
        signals = await self.store.fair_play_signals(kind, offset=page.offset, limit=page.size)
        self.render_admin(
            "fair_play.html",
            signals=signals,
            names=await self.nicknames(s.user_id for s in signals),
            kind=kind,
            kinds=KINDS,
            paging=page,
        )
