"""Settings: environment, flags, and the generated cookie secret."""

from __future__ import annotations

import pytest

from game.battle_state import Timing
from settings import load_settings, parse_timing


def test_flags_override_the_environment(tmp_path):
    env = {"KWISSLE_VAR": str(tmp_path), "KWISSLE_GAME_PORT": "12000"}

    settings = load_settings(env, game_port=13000, host=None)

    assert settings.game_port == 13000 and settings.var_dir == tmp_path
    assert settings.host == "127.0.0.1"


def test_the_cookie_secret_is_generated_once_and_kept_private(tmp_path):
    first = load_settings({"KWISSLE_VAR": str(tmp_path)})
    second = load_settings({"KWISSLE_VAR": str(tmp_path)})

    assert first.cookie_secret == second.cookie_secret and len(first.cookie_secret) >= 40
    assert (tmp_path / "cookie_secret").stat().st_mode & 0o077 == 0


def test_a_given_cookie_secret_is_used_and_nothing_written(tmp_path):
    settings = load_settings({"KWISSLE_VAR": str(tmp_path), "KWISSLE_COOKIE_SECRET": "x" * 40})

    assert settings.cookie_secret == "x" * 40 and not (tmp_path / "cookie_secret").exists()


def test_timing_can_be_shortened_by_name():
    assert parse_timing("question=5, reveal=1") == Timing(question=5.0, reveal=1.0)
    with pytest.raises(ValueError, match="unknown timing"):
        parse_timing("lunch=60")


@pytest.mark.parametrize(
    ("env", "host", "trusted"),
    [
        ({}, "127.0.0.1", True),
        ({}, "::1", True),
        ({}, "localhost", True),
        ({}, "0.0.0.0", False),
        ({}, "203.0.113.7", False),
        ({"KWISSLE_BEHIND_PROXY": "1"}, "0.0.0.0", True),
        ({"KWISSLE_BEHIND_PROXY": "0"}, "127.0.0.1", False),
    ],
)
def test_proxy_headers_are_believed_only_where_nginx_is_the_caller(tmp_path, env, host, trusted):
    settings = load_settings({"KWISSLE_VAR": str(tmp_path), **env})

    assert settings.trusts_proxy_headers(host) is trusted
