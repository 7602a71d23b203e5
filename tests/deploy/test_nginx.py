"""deploy/nginx.conf for real: nginx in front of two game processes and the admin process.

The production file is rewritten only where it names ports and paths (listen, upstream servers,
static alias, maintenance root, user) and started with a temporary prefix, pid, logs and temp
folders. Two game processes share one store, so a SockJS session that reached the wrong one
would fail: the session-id routing is under test too.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ops.nginx_conf import CONF, local_config
from tests.conftest import FIXTURE_QUESTIONS, ROOT, free_port, new_guest
from tests.pipeline.live import Client, account, signed_in, start_process
from tests.sockjs_client import SockJSClient

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SLOW_SECONDS = 2.0

pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed")


@dataclass
class Deployment:
    url: str
    var_dir: Path
    secret: str
    prefix: Path

    def moderator(self) -> Client:
        return signed_in(self.var_dir, self.secret, account("ops", "moderator"))


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    var_dir = tmp_path_factory.mktemp("nginx-var")
    prefix = tmp_path_factory.mktemp("nginx")
    (prefix / "maintenance").mkdir()
    env = {"KWISSLE_ADMIN_TEST_ROUTES": "1", "KWISSLE_BOT_OFFER_SECONDS": "30"}
    subprocess.run(
        [sys.executable, "app.py", "questions", "load", str(FIXTURE_QUESTIONS)],
        cwd=ROOT,
        env={**os.environ, "KWISSLE_VAR": str(var_dir)},
        check=True,
        capture_output=True,
    )
    started = [start_process(var_dir, "game", **env) for _ in range(2)]
    started.append(start_process(var_dir, "admin", **env))
    ports = [int(url.rsplit(":", 1)[1]) for url, _, _ in started]
    port = free_port()
    conf = local_config(CONF.read_text(), port=port, games=ports[:2], admin=ports[2], prefix=prefix)
    (prefix / "nginx.conf").write_text(conf)
    nginx = subprocess.Popen(
        [
            NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
            "-g", f"daemon off; pid {prefix / 'nginx.pid'}; error_log {prefix / 'error.log'};",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(prefix / "stderr.log").open("wb"),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    _wait_until_answering(url, nginx, prefix)
    secret = (var_dir / "cookie_secret").read_text().strip()
    try:
        yield Deployment(url, var_dir, secret, prefix)
    finally:
        nginx.terminate()
        nginx.wait(10)
        for _, process, _ in started:
            process.terminate()
            process.wait(10)
    logs = "".join(log.read_text(errors="replace") for _, _, log in started)
    assert "Traceback" not in logs, logs


def _wait_until_answering(url: str, nginx: subprocess.Popen[bytes], prefix: Path) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url + "/rules", timeout=2).read()
            return
        except (OSError, urllib.error.HTTPError):
            if nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((prefix / "stderr.log").read_text()) from None
            time.sleep(0.05)  # polling for nginx to listen, not standing in for a condition


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def test_a_page_comes_through_nginx(deployment: Deployment):
    code, page, _ = get(deployment.url + "/rules")

    assert code == 200 and "How to play" in page


def test_versioned_static_files_come_from_disk_with_a_long_cache(deployment: Deployment):
    code, _, headers = get(deployment.url + "/static/css/site.css?v=abc123")

    assert code == 200 and "max-age=31536000" in headers["Cache-Control"]


def test_unversioned_static_files_are_revalidated_so_a_deploy_is_seen(deployment: Deployment):
    code, _, headers = get(deployment.url + "/static/js/controller.js")

    assert code == 200 and headers["Cache-Control"] == "no-cache"


async def _hello(url: str, transport: str, nickname: str) -> dict:
    guest = await asyncio.to_thread(new_guest, url, nickname)
    client = await SockJSClient(url, transport).connect()
    try:
        await client.send({"type": "hello", "token": guest.token})
        return await client.expect("welcome")
    finally:
        client.close()


@pytest.mark.parametrize("transport", ["websocket", "xhr_streaming"])
def test_socket_sessions_work_through_nginx(deployment: Deployment, transport: str):
    # Four sessions over two processes: each send must reach the process holding its session.
    async def sessions() -> list[dict]:
        return [await _hello(deployment.url, transport, f"Nx{n}") for n in range(4)]

    welcomes = asyncio.run(asyncio.wait_for(sessions(), 60))

    assert [w["user"]["nickname"] for w in welcomes] == ["Nx0", "Nx1", "Nx2", "Nx3"]


@pytest.mark.parametrize(
    "path",
    [
        "/socket/000/abcdefgh/jsonp?c=alert",
        "/socket/000/abcdefgh/jsonp_send?c=alert",
        "/socket/000/abcdefgh/htmlfile?c=alert",
        "/socket/iframe.html",
        "/socket/websocket",
    ],
)
def test_script_running_and_unused_socket_paths_are_refused(deployment: Deployment, path: str):
    code, _, _ = get(deployment.url + path)

    assert code == 404


def test_admin_paths_reach_the_admin_process(deployment: Deployment):
    code, page = deployment.moderator().get(deployment.url + "/admin")

    assert code == 200 and "Kwissle admin" in page


def test_a_client_sent_x_real_ip_is_not_believed(deployment: Deployment):
    moderator = deployment.moderator()
    forged = {"X-Real-IP": "203.0.113.9", "X-Forwarded-For": "203.0.113.9"}

    code, body, _ = moderator.request(deployment.url + "/admin/test/ip", headers=forged)

    assert code == 200 and '"remote_ip": "127.0.0.1"' in body


def test_game_pages_keep_answering_while_an_admin_request_blocks(deployment: Deployment):
    moderator = deployment.moderator()
    slow: dict[str, float] = {}

    def blocking_admin_request() -> None:
        started = time.monotonic()
        moderator.get(f"{deployment.url}/admin/test/slow?seconds={SLOW_SECONDS}")
        slow["took"] = time.monotonic() - started

    thread = threading.Thread(target=blocking_admin_request)
    thread.start()
    latencies = []
    while thread.is_alive():
        started = time.monotonic()
        code, _, _ = get(deployment.url + "/rules")
        latencies.append(time.monotonic() - started)
        assert code == 200
    thread.join()

    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else latencies[0]
    print(
        f"\ngame pages during a {SLOW_SECONDS:.0f} s admin block: {len(latencies)} requests,"
        f" median {statistics.median(latencies) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"
    )
    assert slow["took"] >= SLOW_SECONDS
    assert len(latencies) >= 20 and p99 < 0.5


def test_the_maintenance_page_replaces_every_game_page(deployment: Deployment):
    page = deployment.prefix / "maintenance" / "maintenance.html"
    page.write_text("<h1>Back soon</h1>")
    try:
        code, body, _ = get(deployment.url + "/rules")
    finally:
        page.unlink()

    assert code == 200 and "Back soon" in body
    assert "How to play" in get(deployment.url + "/rules")[1]


def test_every_proxying_location_sets_x_real_ip_itself():
    blocks = re.findall(r"location [^{]+\{(.*?)\n        \}", CONF.read_text(), re.S)
    proxying = [block for block in blocks if "proxy_pass" in block]

    assert len(proxying) == 3
    assert all("proxy_set_header X-Real-IP $remote_addr;" in block for block in proxying)
