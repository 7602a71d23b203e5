"""A game process killed (-9) while it holds a player's only socket, in a battle another process
runs: within seconds the survivors count that player as away (their opponent hears `away`, the
seat held), and reconnecting to any process gives the battle back."""

from __future__ import annotations

import time

from bus.redis_link import HEARTBEAT_SECONDS, LAPSE_SECONDS
from tests.sockets.test_battle_over_socket import pair, player, run
from tests.sockets.test_failover import (  # noqa: F401 (cluster is a fixture)
    Cluster,
    cluster,
    owner_of,
    play_question,
    play_to_the_end,
    resume,
)

# The dead process's registration lapses, then a survivor's next beat notices; slack for a
# loaded machine. The presence record used to lapse after an hour.
NOTICED_SECONDS = LAPSE_SECONDS + 2 * HEARTBEAT_SECONDS + 4


def test_players_of_a_killed_process_are_away_within_seconds_and_resume_anywhere(
    cluster: Cluster,  # noqa: F811
) -> None:
    one, two, three = cluster.servers

    async def scenario() -> None:
        ann, bob = await player(one, "Ann"), await player(two, "Bob")
        battle = await pair(ann, bob)  # Bob's play, the second, makes process 2 the owner
        assert owner_of(cluster, battle) is two
        await ann.expect("question")
        await bob.expect("question")

        one.process.kill()  # -9: Ann's socket goes with it, and nobody says she left
        killed = time.monotonic()
        one.process.wait(10)
        cluster.retire(one)
        away = await bob.expect("away", timeout=NOTICED_SECONDS + 5)

        assert away["player"] == ann.user_id and away["hold_ms"] > 0
        assert time.monotonic() - killed < NOTICED_SECONDS
        ann = await resume(three, ann, battle)
        assert (await bob.expect("back"))["player"] == ann.user_id
        # The battle went on meanwhile: both play from the first question asked after her
        # return (what she missed came before it, with `back`).
        question = await bob.expect("question")
        while (await ann.expect("question"))["index"] != question["index"]:
            pass
        reveal = await play_question(ann, bob, battle, question)
        assert reveal["taken_by"] == (ann, bob)[question["index"] % 2].user_id
        result, _ = await play_to_the_end(ann, bob, battle)
        assert result["outcome"] == "finished"
        for client in (ann, bob):
            client.close()

    run(scenario())
    assert "players lost their last connection with it" in two.log() + three.log()
