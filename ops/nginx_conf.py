"""deploy/nginx.conf made to run on this machine: its ports and folders, everything else as shipped.

The production file names fixed ports (game processes 10001-10003, admin 10004), the checkout in
/srv/kwissle and a www-data user; a local run and the tests rewrite just those lines, so what runs
is the production routing itself.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "deploy" / "nginx.conf"
_GAME_SERVERS = re.compile(
    r"(?m)^(\s*)server 127\.0\.0\.1:10001;\n(?:\s*server 127\.0\.0\.1:1000[23];\n)*"
)
_TEMP_KINDS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def local_config(conf: str, *, port: int, games: list[int], admin: int, prefix: Path) -> str:
    """`conf` (deploy/nginx.conf's text) listening on 127.0.0.1:`port` in front of the game
    processes on `games` and the admin process on `admin`, with its logs and temporary files
    under `prefix` and the static files of this checkout. Raises ValueError when the file no
    longer has a line this relies on."""
    if not games:
        raise ValueError("nginx needs at least one game process")
    temp = "".join(f"    {kind}_temp_path {prefix / kind};\n" for kind in _TEMP_KINDS)
    upstream = "".join(f"\\g<1>server 127.0.0.1:{game};\n" for game in games)
    replacements = [
        # Only root may switch users; anyone else runs nginx as themselves.
        (re.compile(r"(?m)^user .*;$"), "user root;" if os.getuid() == 0 else ""),
        (re.compile(r"listen 80;"), f"listen 127.0.0.1:{port};"),
        (_GAME_SERVERS, upstream),
        (re.compile(r"server 127\.0\.0\.1:10004;"), f"server 127.0.0.1:{admin};"),
        (re.compile(r"/srv/kwissle/static/"), f"{ROOT}/static/"),
        (re.compile(r"/srv/kwissle/maintenance"), str(prefix / "maintenance")),
        (re.compile(r"http \{\n"), f"http {{\n    access_log {prefix / 'access.log'};\n{temp}"),
    ]
    for pattern, replacement in replacements:
        conf, count = pattern.subn(replacement, conf, count=1)
        if count != 1:
            raise ValueError(f"deploy/nginx.conf no longer has {pattern.pattern!r}")
    return conf
