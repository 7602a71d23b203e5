"""The sign-in rules, pure: addresses, link verdicts, guest merges, nicknames, limits, roles."""

from __future__ import annotations

from dataclasses import replace

import pytest

from game.limits import RateLimit
from game.roles import Role, RoleError, granted, parse_role, revoked
from game.signin import (
    LINK_LIFETIME,
    EmailError,
    LinkVerdict,
    digest,
    guest_to_merge,
    judge_link,
    new_token,
    nickname_from_email,
    normalize_email,
)

T0 = 1_000.0


def a_token(guest_id: str | None = None):
    return new_token("link-secret", "ann@example.org", "browser-nonce", guest_id, T0)


def test_an_address_is_trimmed_and_lower_cased():
    assert normalize_email("  Ann.Lee@Example.ORG ") == "ann.lee@example.org"


@pytest.mark.parametrize(
    "typed", ["", "ann", "ann@", "@example.org", "ann@example", "a b@example.org", "a@b@c.org"]
)
def test_text_that_is_not_an_address_is_refused(typed):
    with pytest.raises(EmailError):
        normalize_email(typed)


def test_an_address_longer_than_smtp_allows_is_refused():
    with pytest.raises(EmailError):
        normalize_email("a" * 250 + "@example.org")


def test_a_token_keeps_digests_not_secrets():
    token = a_token()

    assert token.id == digest("link-secret") and token.nonce == digest("browser-nonce")
    assert "link-secret" not in repr(token) and "browser-nonce" not in repr(token)


def test_a_fresh_link_in_the_browser_that_asked_is_ok():
    assert judge_link(a_token(), "browser-nonce", T0 + 1) is LinkVerdict.OK


def test_a_link_is_ok_until_its_last_second():
    assert judge_link(a_token(), "browser-nonce", T0 + LINK_LIFETIME - 0.001) is LinkVerdict.OK
    assert judge_link(a_token(), "browser-nonce", T0 + LINK_LIFETIME) is LinkVerdict.EXPIRED


def test_a_used_link_is_refused():
    used = replace(a_token(), used_at=T0 + 5)

    assert judge_link(used, "browser-nonce", T0 + 6) is LinkVerdict.USED


def test_a_link_in_another_browser_is_refused():
    assert judge_link(a_token(), "another-nonce", T0 + 1) is LinkVerdict.OTHER_BROWSER


def test_a_link_in_a_browser_without_a_nonce_is_refused():
    assert judge_link(a_token(), None, T0 + 1) is LinkVerdict.OTHER_BROWSER


def test_an_unknown_link_is_refused():
    assert judge_link(None, "browser-nonce", T0) is LinkVerdict.UNKNOWN


def test_the_guest_that_asked_is_merged_when_the_same_guest_follows():
    assert guest_to_merge(a_token("g-1"), "g-1") == "g-1"


def test_no_guest_is_merged_when_another_guest_follows():
    assert guest_to_merge(a_token("g-1"), "g-2") is None


def test_no_guest_is_merged_when_nobody_was_a_guest_at_asking_time():
    assert guest_to_merge(a_token(None), "g-2") is None


def test_a_first_nickname_comes_from_the_address():
    assert nickname_from_email("ann.lee+quiz@example.org") == "annleequiz"


def test_an_address_without_letters_gets_the_fallback_nickname():
    assert nickname_from_email("_@example.org") == "Player"


def test_a_rate_limit_allows_up_to_its_limit():
    limit = RateLimit(3, 60.0)

    assert limit.allows(3) and not limit.allows(4)


def test_granting_a_role_keeps_the_canonical_order():
    assert granted(("player",), Role.ADMIN) == ("player", "admin")
    assert granted(("player", "admin"), Role.MODERATOR) == ("player", "moderator", "admin")


def test_revoking_a_role_removes_only_that_role():
    assert revoked(("player", "moderator", "admin"), Role.ADMIN) == ("player", "moderator")


def test_the_player_role_cannot_be_revoked():
    with pytest.raises(RoleError):
        revoked(("player",), Role.PLAYER)


def test_an_unknown_role_is_refused_with_the_known_ones():
    with pytest.raises(RoleError, match="player, moderator, admin"):
        parse_role("king")
