"""Kwissle's settings: one object built from environment variables and command-line flags.

Every knob is listed here and in the README. Flags override the environment; the environment
overrides the defaults. The cookie secret, when not given, is generated once into the var folder
(KWISSLE_VAR, default ./var) and reused, so sessions survive restarts; it is never committed.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from game.battle_state import Timing


@dataclass(frozen=True)
class Settings:
    var_dir: Path = Path("var")
    cookie_secret: str = ""
    database_url: str = ""  # sqlite:///path or mongodb://...; default: SQLite in var_dir
    host: str = "127.0.0.1"
    game_port: int = 10001
    admin_port: int = 10004
    redis_url: str = ""  # empty: in-process bus (one game process); set: bus/redis.py
    allowed_origins: tuple[str, ...] = ()  # extra host[:port] allowed to open the socket
    max_connections_per_address: int = 100  # game-channel connections one client address holds
    https: bool = False  # cookies are marked Secure
    debug: bool = False
    timing: Timing = field(default_factory=Timing)
    bot_offer_seconds: float = 10.0
    # The question pipeline and the admin process.
    daily_submissions: int = 5  # questions one player may submit per 24 hours
    admin_host: str = "127.0.0.1"  # the admin process never listens publicly by default
    admin_test_routes: bool = False  # /admin/test/slow and /admin/test/ip, for the nginx tests
    # Sign-in links and the mail that carries them (tasks/).
    public_url: str = ""  # where links point; default http://host:game_port
    broker_url: str = ""  # Celery broker; default redis_url, else a folder under var_dir
    mail_backend: str = "file"  # file: .eml files in var_dir/outbox; smtp: a real mail server
    mail_from: str = "Kwissle <kwissle@localhost>"
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_security: str = "starttls"  # starttls, ssl or none
    # Believe X-Real-IP / X-Forwarded-For for the client's address (rate limits count by it).
    # None: only when the process listens on a loopback address, where nginx is the one calling.
    behind_proxy: bool | None = None
    # A file where a game process writes each garbage-collector pause (bench/load.py reads it).
    collector_log: Path | None = None

    def trusts_proxy_headers(self, host: str) -> bool:
        """Whether a process listening on `host` may take the client address from headers."""
        if self.behind_proxy is not None:
            return self.behind_proxy
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return host == "localhost"


# environment variable -> (field, parser)
_ENV: dict[str, tuple[str, Any]] = {
    "KWISSLE_VAR": ("var_dir", Path),
    "KWISSLE_COOKIE_SECRET": ("cookie_secret", str),
    "KWISSLE_DATABASE_URL": ("database_url", str),
    "KWISSLE_HOST": ("host", str),
    "KWISSLE_GAME_PORT": ("game_port", int),
    "KWISSLE_ADMIN_PORT": ("admin_port", int),
    "KWISSLE_REDIS_URL": ("redis_url", str),
    "KWISSLE_ALLOWED_ORIGINS": ("allowed_origins", lambda v: tuple(v.split(",")) if v else ()),
    "KWISSLE_MAX_CONNECTIONS_PER_ADDRESS": ("max_connections_per_address", int),
    "KWISSLE_HTTPS": ("https", lambda v: v.lower() in ("1", "true", "yes")),
    "KWISSLE_DEBUG": ("debug", lambda v: v.lower() in ("1", "true", "yes")),
    "KWISSLE_BOT_OFFER_SECONDS": ("bot_offer_seconds", float),
    "KWISSLE_DAILY_SUBMISSIONS": ("daily_submissions", int),
    "KWISSLE_ADMIN_HOST": ("admin_host", str),
    "KWISSLE_ADMIN_TEST_ROUTES": ("admin_test_routes", lambda v: v.lower() in ("1", "true", "yes")),
    "KWISSLE_PUBLIC_URL": ("public_url", lambda v: v.rstrip("/")),
    "KWISSLE_BROKER_URL": ("broker_url", str),
    "KWISSLE_MAIL_BACKEND": ("mail_backend", str),
    "KWISSLE_MAIL_FROM": ("mail_from", str),
    "KWISSLE_SMTP_HOST": ("smtp_host", str),
    "KWISSLE_SMTP_PORT": ("smtp_port", int),
    "KWISSLE_SMTP_USER": ("smtp_user", str),
    "KWISSLE_SMTP_PASSWORD": ("smtp_password", str),
    "KWISSLE_SMTP_SECURITY": ("smtp_security", str),
    "KWISSLE_BEHIND_PROXY": ("behind_proxy", lambda v: v.lower() in ("1", "true", "yes")),
    "KWISSLE_COLLECTOR_LOG": ("collector_log", Path),
}
# KWISSLE_TIMING="countdown=0.5,question=5,reveal=1" shortens a battle for demos and tests.
_TIMING_ENV = "KWISSLE_TIMING"


def parse_timing(text: str) -> Timing:
    """Read `name=seconds` pairs (names as in game.battle_state.Timing) into a Timing."""
    known = {f.name for f in fields(Timing)}
    changes: dict[str, float] = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = pair.partition("=")
        if name not in known:
            raise ValueError(f"unknown timing {name!r}; known: {', '.join(sorted(known))}")
        changes[name] = float(value)
    return replace(Timing(), **changes)


def load_settings(environ: Mapping[str, str] = os.environ, **overrides: Any) -> Settings:
    """Settings from the environment, then `overrides` (flags left unset are None and ignored)."""
    values: dict[str, Any] = {}
    for name, (key, parse) in _ENV.items():
        if environ.get(name):
            values[key] = parse(environ[name])
    if environ.get(_TIMING_ENV):
        values["timing"] = parse_timing(environ[_TIMING_ENV])
    values.update({k: v for k, v in overrides.items() if v is not None})
    settings = Settings(**values)
    if not settings.cookie_secret:
        settings = replace(settings, cookie_secret=_stored_secret(settings.var_dir))
    if not settings.public_url:
        settings = replace(settings, public_url=f"http://{settings.host}:{settings.game_port}")
    return settings


def _stored_secret(var_dir: Path) -> str:
    path = var_dir / "cookie_secret"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    # Created readable by the owner only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret
