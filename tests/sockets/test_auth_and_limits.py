"""Socket tokens and the per-connection rate limit."""

from __future__ import annotations

import json

from game.nickname import MAX_LENGTH
from sockets.auth import TOKEN_MAX_AGE_SECONDS, Identity, issue_token, read_token
from sockets.protocol import Hello, parse
from sockets.ratelimit import TokenBucket

SECRET = "s" * 40
ANN = Identity("g-ann", "Ann")


def test_a_token_carries_the_identity_it_was_issued_for():
    token = issue_token(SECRET, ANN, clock=lambda: 1000.0)

    assert read_token(SECRET, token, clock=lambda: 1010.0) == ANN


def test_a_signed_in_players_token_names_their_session():
    signed_in = Identity("a-ann", "Ann", session="digest-of-the-session")

    assert read_token(SECRET, issue_token(SECRET, signed_in)) == signed_in


def test_the_longest_token_fits_a_hello():
    nickname = "A" + "\N{GRINNING FACE}" * (MAX_LENGTH - 1)
    token = issue_token(SECRET, Identity(f"a-{'f' * 32}", nickname, session="e" * 64))

    assert parse(json.dumps({"type": "hello", "token": token})) == Hello(token)


def test_an_expired_token_is_refused():
    token = issue_token(SECRET, ANN, clock=lambda: 1000.0)

    assert read_token(SECRET, token, clock=lambda: 1001.0 + TOKEN_MAX_AGE_SECONDS) is None


def test_a_token_signed_with_another_secret_is_refused():
    token = issue_token("t" * 40, ANN)

    assert read_token(SECRET, token) is None


def test_a_tampered_token_is_refused():
    token = issue_token(SECRET, ANN)

    flipped = token[:-3] + ("0" if token[-3] != "0" else "1") + token[-2:]

    assert read_token(SECRET, flipped) is None
    assert read_token(SECRET, "garbage") is None


def test_the_bucket_allows_a_burst_then_the_steady_rate():
    bucket = TokenBucket(rate=10, burst=5, now=0.0)

    assert [bucket.allow(0.0) for _ in range(6)] == [True] * 5 + [False]
    assert bucket.allow(0.1) and not bucket.allow(0.1)
