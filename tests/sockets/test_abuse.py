"""Bad input over the real socket: a clear error or a close, and everyone else plays on."""

from __future__ import annotations

import asyncio
import json

import pytest
from tornado.websocket import WebSocketClosedError

from tests.conftest import new_guest
from tests.sockets.test_battle_over_socket import pair, play_battle, player, run
from tests.sockjs_client import SockJSClient


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "bad_json"),
        ('{"type":"answer","battle":"b","index":"one","text":"x"}', "bad_message"),
        ('{"type":"answer","battle":"b","index":1,"text":["x"]}', "bad_message"),
        ('{"type":"teleport"}', "unknown_type"),
        ('{"type":"answer","battle":"nope","index":0,"text":"x"}', "not_in_battle"),
        ('{"type":"rematch","battle":"nope"}', "not_in_battle"),
        ('{"type":"bot"}', "not_waiting"),
    ],
)
def test_a_bad_frame_gets_a_clear_error_and_the_connection_stays_usable(live_server, frame, code):
    async def scenario() -> None:
        eve = await player(live_server, "Eve")

        await eve.send_raw(frame)

        error = await eve.expect("error")
        assert error["code"] == code and error["message"]
        await eve.send({"type": "ping", "t": 1})
        assert (await eve.expect("pong"))["t"] == 1
        eve.close()

    run(scenario())


@pytest.mark.parametrize(
    ("category", "code"),
    [("astrology", "bad_message"), ("sport", "no_questions")],  # no such one; none in it yet
)
def test_a_category_nobody_can_be_paired_for_is_refused_at_once(live_server, category, code):
    async def scenario() -> None:
        eve = await player(live_server, "Eve")

        await eve.send({"type": "play", "category": category})
        refused = await eve.expect_any(("error", "waiting"))
        await eve.send({"type": "bot"})

        assert refused["type"] == "error" and refused["code"] == code
        assert (await eve.expect("error"))["code"] == "not_waiting"
        eve.close()

    run(scenario())


def test_cancel_gets_no_reply_even_when_not_waiting(live_server):
    async def scenario() -> None:
        eve = await player(live_server, "Eve")

        await eve.send({"type": "cancel"})
        await eve.send({"type": "rematch", "battle": "0" * 32})  # handled after it, answered

        assert (await eve.expect("error"))["code"] == "not_in_battle"
        eve.close()

    run(scenario())


def test_commands_before_hello_are_refused(live_server):
    async def scenario() -> None:
        client = await SockJSClient(live_server.base_url).connect()

        await client.send({"type": "play", "category": None})

        assert (await client.expect("error"))["code"] == "not_authenticated"
        await client.send({"type": "hello", "token": "forged"})
        assert (await client.expect("error"))["code"] == "bad_token"
        client.close()

    run(scenario())


def test_a_second_hello_is_refused_and_the_connection_keeps_its_player(live_server):
    async def scenario() -> None:
        ann = await player(live_server, "Ann")
        eve = await asyncio.to_thread(new_guest, live_server.base_url, "Eve")

        await ann.send({"type": "hello", "token": eve.token})
        refused = await ann.expect("error")
        await ann.send({"type": "play", "category": None})

        assert refused["code"] == "already_authenticated"
        assert (await ann.expect("waiting"))["category"] is None
        await ann.send({"type": "cancel"})
        ann.close()

    run(scenario())


def test_a_command_right_after_hello_waits_for_it_instead_of_being_refused(live_server):
    async def scenario() -> None:
        guest = await asyncio.to_thread(new_guest, live_server.base_url, "Ann")
        client = await SockJSClient(live_server.base_url).connect()

        await client.send({"type": "hello", "token": guest.token})
        await client.send({"type": "cancel"})
        await client.send({"type": "bot"})

        assert (await client.expect_any(("welcome", "error")))["type"] == "welcome"
        assert (await client.expect("error"))["code"] == "not_waiting"
        client.close()

    run(scenario())


def test_an_oversized_frame_closes_that_connection(live_server):
    async def scenario() -> None:
        eve = await player(live_server, "Eve")

        await eve.send_raw(json.dumps({"type": "answer", "text": "x" * 5000}))

        closed = await eve.wait_closed()
        assert closed.code == 4009

    run(scenario())


def test_an_answer_for_someone_elses_battle_or_a_future_question_is_refused(live_server):
    async def scenario() -> None:
        ann, bob, eve = [await player(live_server, n) for n in ("Ann", "Bob", "Eve")]
        battle = await pair(ann, bob)
        await ann.expect("question")

        await eve.send({"type": "answer", "battle": battle, "index": 0, "text": "x"})
        await ann.send({"type": "answer", "battle": battle, "index": 5, "text": "x"})

        assert (await eve.expect("error"))["code"] == "wrong_battle"
        future = await ann.expect("error")
        assert future["code"] == "future" and future["index"] == 5
        for client in (ann, bob, eve):
            client.close()

    run(scenario())


def test_a_flood_closes_the_flooder_while_another_battle_finishes_normally(live_server):
    async def scenario() -> None:
        ann, bob, eve = [await player(live_server, n) for n in ("Ann", "Bob", "Eve")]
        battle = await pair(ann, bob)

        async def flood() -> int:
            for _ in range(200):  # 200 frames within one second
                try:
                    await eve.send({"type": "ping", "t": 0})
                except WebSocketClosedError:
                    break
                await asyncio.sleep(0.005)
            return (await eve.wait_closed()).code

        code, (result, _) = await asyncio.gather(
            flood(),
            play_battle(ann, bob, battle, plan_a=lambda i: "right", plan_b=lambda i: "skip"),
        )

        assert code == 4008
        assert result["outcome"] == "finished" and result["scores"][ann.user_id] == 30
        ann.close()
        bob.close()

    run(scenario())
