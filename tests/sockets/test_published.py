"""The arena's copy of the published bank: loaded once, reloaded when old."""

from __future__ import annotations

import asyncio

from sockets.published import PublishedBank
from store.sqlite import SQLiteStore
from tests.store.samples import make_question


def test_the_bank_is_loaded_once_and_reloaded_only_when_old(tmp_path):
    async def scenario() -> None:
        store = SQLiteStore(tmp_path / "k.db")
        await store.open()
        await store.upsert_question(make_question("q1", category="music"))
        now = [0.0]
        bank = PublishedBank(store, max_age=60, clock=lambda: now[0])

        first = await bank.questions()
        await store.upsert_question(make_question("q2", category="sport"))
        cached = await bank.questions()
        now[0] = 61.0
        fresh = await bank.questions("sport")

        assert [q.id for q in first] == [q.id for q in cached] == ["q1"]
        assert [q.id for q in fresh] == ["q2"]
        await store.close()

    asyncio.run(scenario())
