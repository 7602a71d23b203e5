"""Every client frame is parsed once into a typed command, or refused with a reason."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sockets.protocol import (
    Answer,
    Choose,
    Hello,
    Ping,
    Play,
    Pong,
    Unexpected,
    encode,
    parse,
    sockjs_encode,
)


@pytest.mark.parametrize(
    ("frame", "command"),
    [
        ('{"type":"hello","token":"abc"}', Hello("abc")),
        ('{"type":"play","category":null}', Play(None)),
        ('{"type":"play","category":""}', Play(None)),
        ('{"type":"play","category":"geography"}', Play("geography")),
        ('{"type":"answer","battle":"b","index":3,"text":"Nile"}', Answer("b", 3, "Nile")),
        ('{"type":"choose","battle":"b","index":0,"choice":3}', Choose("b", 0, 3)),
        ('{"type":"ping","t":12.5}', Ping(12.5)),
        ('{"type":"pong","s":7}', Pong(7)),
        ('{"type":"answer","battle":"b","index":0,"text":"x","by":"g-eve"}', Answer("b", 0, "x")),
    ],
)
def test_valid_frames_become_commands(frame, command):
    assert parse(frame) == command


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "bad_json"),
        ("[1, 2]", "bad_json"),
        ('"hello"', "bad_json"),
        ('{"type":"dance"}', "unknown_type"),
        ('{"kind":"answer"}', "unknown_type"),
        ('{"type":7}', "unknown_type"),
        ('{"type":"answer","battle":"b","index":"3","text":"x"}', "bad_message"),
        ('{"type":"answer","battle":"b","index":true,"text":"x"}', "bad_message"),
        ('{"type":"answer","battle":"b","index":-1,"text":"x"}', "bad_message"),
        ('{"type":"answer","battle":"b","index":1,"text":null}', "bad_message"),
        ('{"type":"answer","battle":"b","index":1,"text":"' + "x" * 101 + '"}', "bad_message"),
        ('{"type":"choose","battle":"b","index":1,"choice":4}', "bad_message"),
        ('{"type":"hello","token":{"id":"admin"}}', "bad_message"),
        ('{"type":"ping","t":"now"}', "bad_message"),
        ('{"type":"play","category":["a"]}', "bad_message"),
        ('{"type":"play","category":"astrology"}', "bad_message"),
        ('{"type":"pong","s":"7"}', "bad_message"),
    ],
)
def test_malformed_frames_are_refused_with_a_code(frame, code):
    result = parse(frame)

    assert isinstance(result, Unexpected) and result.code == code and result.message


@given(st.text(max_size=300))
def test_parse_never_raises_on_any_text(frame):
    parse(frame)


@given(
    st.dictionaries(
        st.sampled_from(["type", "battle", "index", "text", "choice", "t"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(),
            st.text(max_size=20),
            st.sampled_from(["answer", "choose"]),
        ),
    )
)
def test_parse_never_raises_on_any_object(data):
    parse(json.dumps(data))


@given(
    st.dictionaries(
        st.text(),
        st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), st.text()),
        max_size=4,
    )
)
def test_a_message_goes_into_a_sockjs_frame_as_sockjs_tornado_would_write_it(message):
    # sockjs-tornado's own send() writes the message's text with the standard library's
    # encoder; the frames must stay byte for byte the same with the encoding done once.
    expected = json.dumps(encode(message), separators=(",", ":"))

    assert sockjs_encode(message) == expected
    assert json.loads(json.loads(sockjs_encode(message))) == message
