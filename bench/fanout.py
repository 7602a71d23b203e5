"""A bare Tornado WebSocket pair fan-out server: the baseline bench/load.py measures Kwissle by.

A client connects to /pair/<id>; every text message it sends is decoded, stamped with the
sender's place in its pair, encoded once and written to both connections of that pair. Nothing
else: no SockJS, no sign-in, no rules, no pings. Started by bench/load.py on the game's core:

    .venv/bin/python bench/fanout.py --port PORT
"""

from __future__ import annotations

import argparse
import asyncio

import tornado.web
import ujson
from tornado.websocket import WebSocketHandler

Pairs = dict[str, list["PairSocket"]]


class PairSocket(WebSocketHandler):
    def initialize(self, pairs: Pairs) -> None:
        self.pairs = pairs
        self.pair = ""

    def check_origin(self, origin: str) -> bool:
        return True  # the load generator's own origin

    def open(self, *args: str, **kwargs: str) -> None:
        self.pair = args[0]
        self.pairs.setdefault(self.pair, []).append(self)

    def on_message(self, message: str | bytes) -> None:
        members = self.pairs[self.pair]
        data = ujson.loads(message)
        data["by"] = members.index(self)
        frame = ujson.dumps(data, ensure_ascii=False)
        for member in members:
            member.write_message(frame)

    def on_close(self) -> None:
        members = self.pairs.get(self.pair, [])
        if self in members:
            members.remove(self)


async def serve(port: int) -> None:
    app = tornado.web.Application([(r"/pair/(\w+)", PairSocket, {"pairs": {}})])
    app.listen(port, address="127.0.0.1")
    await asyncio.Event().wait()  # until bench/load.py terminates this process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
