"""The arena's fair-play work (game.fair_play): review each saved battle and record the signals
it shows for moderators, and say who leaves often before they join the pool. Records and flags
only; a failure is logged and the game goes on without it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from game import fair_play
from game.record import BattleRecord
from store.port import Store

log = logging.getLogger(__name__)


async def review_battle(
    store: Store, record: BattleRecord, fast: Sequence[fair_play.Signal]
) -> None:
    """Record the signals of a saved battle: `fast` (fair_play.too_fast, which needs the live
    battle) and those its players' latest battles and meetings show."""
    try:
        signals = list(fast)
        humans = [p.user_id for p in record.players if not p.bot]
        for user_id in humans:
            history = await store.battles_of(user_id, limit=fair_play.HISTORY)
            for found in (
                fair_play.same_timings(user_id, record, history),
                fair_play.leaves_losing(user_id, record, history),
            ):
                if found is not None:
                    signals.append(found)
        if len(humans) == 2:
            since = record.finished_at - fair_play.PAIR_WINDOW
            meetings = await store.meetings(humans[0], humans[1], since)
            signals += fair_play.frequent_pair(record, meetings)
        if signals:
            await store.add_fair_play_signals(signals)
    except Exception:
        log.exception("the fair-play review of battle %s failed", record.id)


async def leaves_often(store: Store, user_id: str) -> bool:
    """Whether the player's latest battles say they leave often; False when they cannot be read."""
    try:
        history = await store.battles_of(user_id, limit=fair_play.LEAVER_HISTORY)
    except Exception:
        log.exception("could not read the latest battles of %s", user_id)
        return False
    return fair_play.leaves_often(user_id, history)
