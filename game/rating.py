"""Glicko-2 ratings, from Mark Glickman's "Example of the Glicko-2 system" (2013).

A rating has a value (r, shown on the Glicko scale around 1500), a deviation (RD: how sure the
value is) and a volatility (sigma: how erratic the player is). Kwissle applies one rating period
per battle between two signed-in players, with the deviation first grown for every whole day
the player did not play (step 6 of the paper with no games), so a player back after a month is
less certain than one who plays daily. Pure: no clock, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from game.record import BattleRecord, Outcome

SCALE = 173.7178  # Glicko-2 works on (r - 1500) / SCALE
DEFAULT_RATING = 1500.0
DEFAULT_DEVIATION = 350.0
DEFAULT_VOLATILITY = 0.06
TAU = 0.5  # how fast volatility may change (the paper suggests 0.3 to 1.2)
CONVERGENCE = 1e-6
PROVISIONAL_ABOVE = 110.0  # a deviation above this is shown as provisional ("1520?")
SECONDS_PER_PERIOD = 86_400.0  # idle time that grows the deviation, one step per day


@dataclass(frozen=True, slots=True)
class Rating:
    rating: float = DEFAULT_RATING
    deviation: float = DEFAULT_DEVIATION
    volatility: float = DEFAULT_VOLATILITY

    @property
    def provisional(self) -> bool:
        return self.deviation > PROVISIONAL_ABOVE

    def shown(self) -> str:
        """As a player reads it: "1523", or "1523?" while provisional."""
        return f"{round(self.rating)}{'?' if self.provisional else ''}"


@dataclass(frozen=True, slots=True)
class Game:
    """One game against an opponent: `score` 1 for a win, 0.5 a draw, 0 a loss."""

    opponent: Rating
    score: float


def _g(phi: float) -> float:
    return 1 / math.sqrt(1 + 3 * phi * phi / (math.pi * math.pi))


def _expected(mu: float, mu_j: float, phi_j: float) -> float:
    return 1 / (1 + math.exp(-_g(phi_j) * (mu - mu_j)))


def rate(player: Rating, games: list[Game], tau: float = TAU) -> Rating:
    """The player's rating after one rating period with these games (steps 2 to 8); a period
    without games is `after_idle`'s."""
    if not games:
        raise ValueError("a rating period with games needs at least one game")
    mu = (player.rating - DEFAULT_RATING) / SCALE
    phi = player.deviation / SCALE
    opponents = [
        ((g.opponent.rating - DEFAULT_RATING) / SCALE, g.opponent.deviation / SCALE, g.score)
        for g in games
    ]
    v = 1 / sum(
        _g(phi_j) ** 2 * (e := _expected(mu, mu_j, phi_j)) * (1 - e) for mu_j, phi_j, _ in opponents
    )
    delta = v * sum(_g(phi_j) * (s - _expected(mu, mu_j, phi_j)) for mu_j, phi_j, s in opponents)
    sigma = _new_volatility(phi, player.volatility, v, delta, tau)
    phi_star = math.sqrt(phi * phi + sigma * sigma)
    new_phi = 1 / math.sqrt(1 / (phi_star * phi_star) + 1 / v)
    new_mu = mu + new_phi * new_phi * sum(
        _g(phi_j) * (s - _expected(mu, mu_j, phi_j)) for mu_j, phi_j, s in opponents
    )
    return Rating(new_mu * SCALE + DEFAULT_RATING, new_phi * SCALE, sigma)


def _new_volatility(phi: float, sigma: float, v: float, delta: float, tau: float) -> float:
    """Step 5: the Illinois algorithm on f(x) = 0, x = ln(sigma'^2)."""
    a = math.log(sigma * sigma)

    def f(x: float) -> float:
        ex = math.exp(x)
        d = phi * phi + v + ex
        return ex * (delta * delta - d) / (2 * d * d) - (x - a) / (tau * tau)

    big_a = a
    if delta * delta > phi * phi + v:
        big_b = math.log(delta * delta - phi * phi - v)
    else:
        k = 1
        while f(a - k * tau) < 0:
            k += 1
        big_b = a - k * tau
    f_a, f_b = f(big_a), f(big_b)
    while abs(big_b - big_a) > CONVERGENCE:
        big_c = big_a + (big_a - big_b) * f_a / (f_b - f_a)
        f_c = f(big_c)
        if f_c * f_b <= 0:
            big_a, f_a = big_b, f_b
        else:
            f_a /= 2
        big_b, f_b = big_c, f_c
    return math.exp(big_a / 2)


def _widened(player: Rating, periods: int) -> Rating:
    """Step 6 for periods without games: the deviation grows, never past a newcomer's."""
    phi = player.deviation / SCALE
    grown = math.sqrt(phi * phi + periods * player.volatility**2) * SCALE
    return Rating(player.rating, min(DEFAULT_DEVIATION, grown), player.volatility)


def after_idle(player: Rating, idle_seconds: float) -> Rating:
    """The rating as it stands after `idle_seconds` without a game: one step per whole day."""
    periods = int(max(0.0, idle_seconds) // SECONDS_PER_PERIOD)
    return _widened(player, periods) if periods else player


def after_battle(a: Rating, b: Rating, score_a: float) -> tuple[Rating, Rating]:
    """Both players' ratings after a battle that `a` won (1), drew (0.5) or lost (0)."""
    return rate(a, [Game(b, score_a)]), rate(b, [Game(a, 1 - score_a)])


def rated_score(record: BattleRecord, accounts: Collection[str]) -> tuple[str, str, float] | None:
    """(a, b, a's score) when the battle counts for ratings, else None: two different signed-in
    players (`accounts`), no bot, played to the end or forfeited (the leaver loses)."""
    if record.outcome is Outcome.ABORTED or len(record.players) != 2:
        return None
    a, b = record.players
    if a.bot or b.bot or a.user_id == b.user_id or not {a.user_id, b.user_id} <= set(accounts):
        return None
    if record.winner_id is None:
        return a.user_id, b.user_id, 0.5
    return a.user_id, b.user_id, 1.0 if record.winner_id == a.user_id else 0.0
