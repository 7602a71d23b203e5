"""What the game page weighs: every stylesheet and script a signed-in player's browser loads.

Starts a game process on a free port, signs up a guest, reads the page, follows <link>, <script>
and the ES module imports, and prints each file's size raw and gzipped (level 6, as nginx's
default gzip_comp_level 1..9 brackets it). Run: .venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import new_guest, start_server, stop_server

ASSETS = re.compile(r'<(?:link[^>]+href|script[^>]+src)="([^"]+)"')
IMPORTS = re.compile(r"""(?:^|\n)\s*import\s[^'"]*['"]([^'"]+)['"]""")


def _fetch(opener: urllib.request.OpenerDirector, url: str) -> bytes:
    with opener.open(url) as response:
        return bytes(response.read())


def weigh(base_url: str) -> list[tuple[str, int, int]]:
    """(path, bytes, gzipped bytes) for every CSS and JS file the game page loads."""
    guest = new_guest(base_url, "Weigher")
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(guest.cookies))
    page = _fetch(opener, base_url + "/").decode()
    todo = [urljoin(base_url + "/", u) for u in ASSETS.findall(page)]
    todo = [u for u in todo if urlsplit(u).path.endswith((".css", ".js"))]
    seen: dict[str, bytes] = {}
    while todo:
        url = todo.pop()
        path = urlsplit(url).path
        if path in seen:
            continue
        body = seen[path] = _fetch(opener, url)
        if path.endswith(".js") and "/vendor/" not in path:
            todo += [urljoin(url, spec) for spec in IMPORTS.findall(body.decode())]
    return sorted((p, len(b), len(gzip.compress(b, 6))) for p, b in seen.items())


def main() -> None:
    with tempfile.TemporaryDirectory() as var:
        server = start_server(Path(var))
        try:
            files = weigh(server.base_url)
        finally:
            stop_server(server)
    for path, raw, packed in files:
        print(f"{path:40} {raw:8,d} B  {packed:7,d} B gzip")
    for label, keep in (
        ("ours (JS + CSS)", lambda p: "/vendor/" not in p),
        ("vendor (sockjs-client)", lambda p: "/vendor/" in p),
        ("total", lambda p: True),
    ):
        raw = sum(r for p, r, _ in files if keep(p))
        packed = sum(g for p, _, g in files if keep(p))
        print(f"{label:40} {raw:8,d} B  {packed:7,d} B gzip")


if __name__ == "__main__":
    main()
