"""The game channel's wire format: parse a client frame once into a typed command, or refuse it.

docs/protocol.md is the contract. Nothing else in Kwissle reads raw frames: the connection calls
`parse` (after refusing a frame over MAX_FRAME_BYTES), and everything after it works with the
dataclasses below. Outgoing messages are dicts written with `encode`, or straight into a SockJS
frame with `sockjs_encode`. Imports no Tornado and of the game only its category names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ujson

from game.questions import CATEGORIES

MAX_FRAME_BYTES = 2048
MAX_ANSWER_CHARS = 100
MAX_ID_CHARS = 64
MAX_TOKEN_CHARS = 1024  # a signed-in token with the longest nickname of emoji is ~650


@dataclass(frozen=True, slots=True)
class Hello:
    token: str
    # A reconnecting client names the battle it was in and the last seq it saw of it.
    battle: str | None = None
    seq: int | None = None


@dataclass(frozen=True, slots=True)
class Play:
    category: str | None


@dataclass(frozen=True, slots=True)
class Cancel:
    pass


@dataclass(frozen=True, slots=True)
class AcceptBot:
    pass


@dataclass(frozen=True, slots=True)
class Answer:
    battle: str
    index: int
    text: str


@dataclass(frozen=True, slots=True)
class Alternatives:
    battle: str
    index: int


@dataclass(frozen=True, slots=True)
class Choose:
    battle: str
    index: int
    choice: int


@dataclass(frozen=True, slots=True)
class Rematch:
    battle: str


@dataclass(frozen=True, slots=True)
class Ping:
    t: float


@dataclass(frozen=True, slots=True)
class Pong:
    """The answer to the server's `ping` number `s`, by which the server measures the round trip."""

    s: int


@dataclass(frozen=True, slots=True)
class Unexpected:
    """A frame that does not fit the protocol; `code` and `message` go back to the client."""

    code: str
    message: str


Command = Hello | Play | Cancel | AcceptBot | Answer | Alternatives | Choose | Rematch | Ping | Pong
BattleCommand = Answer | Alternatives | Choose | Rematch  # what goes to one running battle


class _Invalid(Exception):
    pass


def parse(frame: str) -> Command | Unexpected:
    """Read one client frame. Never raises: anything malformed becomes `Unexpected`. Fields a
    type does not name are ignored."""
    try:
        data = ujson.loads(frame)
    except (ValueError, OverflowError):
        return Unexpected("bad_json", "Messages must be JSON objects.")
    if not isinstance(data, dict):
        return Unexpected("bad_json", "Messages must be JSON objects.")
    kind = data.get("type")
    reader = _READERS.get(kind) if isinstance(kind, str) else None
    if reader is None:
        return Unexpected("unknown_type", "Unknown message type.")
    try:
        return reader(data)
    except _Invalid as error:
        return Unexpected("bad_message", f"Bad {kind} message: {error}.")


def encode(message: dict[str, Any]) -> str:
    return ujson.dumps(message, ensure_ascii=False)


def sockjs_encode(message: dict[str, Any]) -> str:
    """`message` as one element of a SockJS `a[...]` frame: its JSON text as a JSON string.

    Byte for byte what sockjs-tornado's own encoder (the standard library's, ASCII only) writes
    for `encode(message)`, in two C calls: ujson leaves DEL and "/" as they are where the
    standard library escapes DEL and not "/"."""
    quoted = ujson.dumps(encode(message), escape_forward_slashes=False)
    return quoted.replace("\x7f", "\\u007f")


def to_frame(command: BattleCommand) -> dict[str, Any]:
    """The client frame that `parse` reads back as `command`, to hand it to another process."""
    match command:
        case Answer(battle, index, text):
            return {"type": "answer", "battle": battle, "index": index, "text": text}
        case Alternatives(battle, index):
            return {"type": "alternatives", "battle": battle, "index": index}
        case Choose(battle, index, choice):
            return {"type": "choose", "battle": battle, "index": index, "choice": choice}
        case Rematch(battle):
            return {"type": "rematch", "battle": battle}


def _string(data: dict[str, Any], key: str, limit: int) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise _Invalid(f"{key} must be a string")
    if len(value) > limit:
        raise _Invalid(f"{key} is too long")
    return value


def _int(data: dict[str, Any], key: str, low: int, high: int) -> int:
    value = data.get(key)
    # bool is an int in Python; the protocol does not accept true for 1.
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _Invalid(f"{key} must be a whole number from {low} to {high}")
    return value


def _category(data: dict[str, Any]) -> str | None:
    value = data.get("category")
    if value is None or value == "":
        return None
    if value not in CATEGORIES:  # refused at once: nobody could ever be paired for it
        raise _Invalid("category must be one of the categories, or null")
    return str(value)


def _hello(data: dict[str, Any]) -> Hello:
    token = _string(data, "token", MAX_TOKEN_CHARS)
    if data.get("battle") is None and data.get("seq") is None:
        return Hello(token)
    return Hello(token, _string(data, "battle", MAX_ID_CHARS), _int(data, "seq", 0, 2**53))


def _ping(data: dict[str, Any]) -> Ping:
    value = data.get("t")
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _Invalid("t must be a number")
    return Ping(float(value))


_READERS: dict[str, Any] = {
    "hello": _hello,
    "play": lambda d: Play(_category(d)),
    "cancel": lambda d: Cancel(),
    "bot": lambda d: AcceptBot(),
    "answer": lambda d: Answer(
        _string(d, "battle", MAX_ID_CHARS),
        _int(d, "index", 0, 99),
        _string(d, "text", MAX_ANSWER_CHARS),
    ),
    "alternatives": lambda d: Alternatives(
        _string(d, "battle", MAX_ID_CHARS), _int(d, "index", 0, 99)
    ),
    "choose": lambda d: Choose(
        _string(d, "battle", MAX_ID_CHARS), _int(d, "index", 0, 99), _int(d, "choice", 0, 3)
    ),
    "rematch": lambda d: Rematch(_string(d, "battle", MAX_ID_CHARS)),
    "ping": _ping,
    "pong": lambda d: Pong(_int(d, "s", 0, 2**53)),
}
