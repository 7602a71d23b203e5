"""A connection's round trip from the server's own pings, with a clock the test moves."""

from __future__ import annotations

from sockets.round_trip import OUTSTANDING, RoundTrips


def test_the_estimate_is_the_median_of_the_latest_round_trips():
    trips = RoundTrips()

    for sent, answered in [(0.0, 0.1), (5.0, 5.3), (10.0, 10.12)]:
        estimate = trips.pong(trips.ping(sent), answered)

    assert estimate == trips.estimate and round(estimate, 3) == 0.12


def test_a_pong_naming_no_ping_sent_is_ignored_so_a_link_cannot_look_faster():
    trips = RoundTrips()
    number = trips.ping(0.0)

    assert trips.pong(number + 1, 0.01) is None  # answered before it was sent
    assert trips.pong(number, 0.2) == 0.2
    assert trips.pong(number, 0.3) is None  # each ping is timed once
    assert trips.estimate == 0.2


def test_only_the_latest_pings_are_awaited():
    trips = RoundTrips()
    first = trips.ping(0.0)
    for n in range(OUTSTANDING):
        trips.ping(float(n + 1))

    assert trips.pong(first, 9.0) is None and trips.estimate is None
