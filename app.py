"""Kwissle's entry point: which process to run, with which settings.

    python app.py game --port 10001     one game process on 127.0.0.1:10001
    python app.py admin --port 10004    the admin process on 127.0.0.1:10004 (routes under /admin)
    python app.py run                   everything the site needs on this machine
    python app.py questions check|load|dump FILE...
    python app.py worker [--work reports]  a Celery worker: mail (the default), or report builds
    python app.py users grant|revoke EMAIL ROLE
    python app.py store copy --from URL --to URL [--replace]

Adapters are built here and nowhere else; see settings.py for every knob.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import tornado.web
from tornado.httpserver import HTTPServer
from tornado.ioloop import PeriodicCallback

from accounts import commands as account_commands
from admin.application import make_admin_app
from admin.health import start_health_checks
from bank import commands as bank_commands
from bus.factory import open_bus
from game.answers import warm_up
from handlers.application import make_game_app
from handlers.health import LoopLag
from ops.cluster import run_site
from settings import Settings, load_settings
from sockets.arena import Arena, ArenaConfig
from sockets.collector import FREEZE_SECONDS, PauseLog, freeze_settled, settle
from sockets.connection import OpenConnections
from sockets.latency import RevealLatency
from store.copying import copy_command
from store.factory import make_store
from store.port import Store
from tasks.app import WORKER_QUEUES, broker_url, make_celery, run_worker
from tasks.queue import CeleryQueue

ROOT = Path(__file__).resolve().parent
SHIPPED_BANK = sorted((ROOT / "data" / "questions").glob("*.jsonl"))

log = logging.getLogger("kwissle")

# No form, report or socket frame needs more than a few kilobytes: a bigger body is refused
# (400) before it is read, so no client makes a process buffer megabytes.
MAX_BODY_BYTES = 64 * 1024
MAX_BUFFER_BYTES = 256 * 1024


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="Kwissle, real-time quiz battles.")
    parser.add_argument("--var", type=Path, help="folder for local state (env KWISSLE_VAR)")
    parser.add_argument("--database-url", help="sqlite:///PATH (env KWISSLE_DATABASE_URL)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    game = commands.add_parser("game", help="serve one game process")
    game.add_argument("--port", type=int, help="port (env KWISSLE_GAME_PORT, default 10001)")
    game.add_argument("--host", help="address to bind (env KWISSLE_HOST, default 127.0.0.1)")

    run = commands.add_parser("run", help="run the whole site on this machine, embedded defaults")
    run.add_argument("--port", type=int, help="game port (default 10001)")
    run.add_argument("--host", help="address to bind (default 127.0.0.1)")
    run.add_argument(
        "--game-processes",
        type=int,
        default=1,
        metavar="N",
        help="the production shape: Redis, N game processes, admin, workers and nginx (if on"
        " PATH) in front, all on this machine; the site's URL stays --port",
    )

    admin = commands.add_parser("admin", help="serve the admin process (moderation, reports)")
    admin.add_argument("--port", type=int, help="port (env KWISSLE_ADMIN_PORT, default 10004)")
    admin.add_argument("--host", help="address to bind (env KWISSLE_ADMIN_HOST, default 127.0.0.1)")

    worker = commands.add_parser("worker", help="run a Celery worker (see KWISSLE_BROKER_URL)")
    worker.add_argument(
        "--work",
        choices=sorted(WORKER_QUEUES),
        default="mail",
        help="mail (sign-in and rejection mail) or reports (admin report builds)",
    )
    users = commands.add_parser("users", help="grant or revoke an account's role")
    verbs = users.add_subparsers(dest="action", required=True, metavar="ACTION")
    for verb, text in (
        ("grant", "give ROLE (player, moderator, admin) to EMAIL's account, made if missing"),
        ("revoke", "take ROLE away from EMAIL's account"),
    ):
        change = verbs.add_parser(verb, help=text)
        change.add_argument("email")
        change.add_argument("role")

    questions = commands.add_parser("questions", help="check, load or dump question files")
    actions = questions.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="check question files against every rule")
    check.add_argument("files", nargs="+", type=Path)
    load = actions.add_parser("load", help="import question files into the store (idempotent)")
    load.add_argument("files", nargs="+", type=Path)
    dump = actions.add_parser("dump", help="write every stored question, one file per category")
    dump.add_argument("out_dir", type=Path)

    store = commands.add_parser("store", help="copy every collection between stores")
    store_actions = store.add_subparsers(dest="action", required=True, metavar="ACTION")
    copy = store_actions.add_parser("copy", help="copy, resumably, then verify counts and sums")
    copy.add_argument("--from", dest="source", required=True, help="sqlite:///PATH or mongodb://")
    copy.add_argument("--to", dest="target", required=True, help="sqlite:///PATH or mongodb://")
    copy.add_argument("--replace", action="store_true", help="empty a target that holds data")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = load_settings(
        var_dir=args.var,
        database_url=args.database_url,
        game_port=getattr(args, "port", None),
        host=getattr(args, "host", None),
    )
    if args.command == "questions":
        if args.action == "check":
            return bank_commands.check(args.files)
        return asyncio.run(_questions(settings, args))
    if args.command == "worker":
        return run_worker(settings, args.work)
    if args.command == "admin":
        return asyncio.run(_serve_admin(admin_settings(settings, args)))
    if args.command == "users":
        return asyncio.run(_users(settings, args.action, args.email, args.role))
    if args.command == "store":
        return asyncio.run(
            copy_command(args.source, args.target, replace=args.replace, out=sys.stderr)
        )
    if args.command == "run" and args.game_processes > 1:
        asyncio.run(_load_bank_if_empty(settings))  # once, before any process reads the store
        return run_site(settings, args.game_processes)
    return asyncio.run(_serve(settings, whole_site=args.command == "run"))


def open_store(settings: Settings) -> Store:
    return make_store(settings.database_url, settings.var_dir / "kwissle.db")


async def _questions(settings: Settings, args: argparse.Namespace) -> int:
    store = open_store(settings)
    await store.open()
    try:
        if args.action == "load":
            summary = await bank_commands.load(args.files, store)
            return 1 if summary.refused else 0
        await bank_commands.dump(store, args.out_dir)
        return 0
    finally:
        await store.close()


async def _users(settings: Settings, action: str, email: str, role: str) -> int:
    store = open_store(settings)
    await store.open()
    try:
        return await account_commands.change_role(store, action, email, role)
    finally:
        await store.close()


def admin_settings(settings: Settings, args: argparse.Namespace) -> Settings:
    """For `admin`, --port and --host name the admin process's address, not the game's."""
    game = load_settings(var_dir=args.var, database_url=args.database_url)
    return replace(
        settings,
        game_port=game.game_port,
        host=game.host,
        admin_port=args.port or settings.admin_port,
        admin_host=args.host or settings.admin_host,
    )


async def _serve_admin(settings: Settings) -> int:
    store = open_store(settings)
    await store.open()
    # Rejection mails and report builds go through the same broker as the game's sign-in mail.
    queue = CeleryQueue(make_celery(settings))
    xheaders = settings.trusts_proxy_headers(settings.admin_host)
    server = http_server(make_admin_app(settings, store, queue, queue), xheaders=xheaders)
    server.listen(settings.admin_port, address=settings.admin_host)
    health = start_health_checks(queue, functools.partial(open_store, settings))
    log.info("admin process on http://%s:%d/admin", settings.admin_host, settings.admin_port)
    await _until_stopped()
    health.stop()
    server.stop()
    await queue.close()
    await store.close()
    return 0


async def _load_bank_if_empty(settings: Settings) -> None:
    store = open_store(settings)
    await store.open()
    try:
        await _load_shipped_bank(store)
    finally:
        await store.close()


async def _load_shipped_bank(store: Store) -> None:
    if not await store.all_questions():
        log.info("empty store: loading the shipped question bank")
        await bank_commands.load(SHIPPED_BANK, store)


def http_server(app: tornado.web.Application, *, xheaders: bool) -> HTTPServer:
    """The HTTP server of a game or admin process, with the body limits above."""
    return HTTPServer(
        app, xheaders=xheaders, max_body_size=MAX_BODY_BYTES, max_buffer_size=MAX_BUFFER_BYTES
    )


def _start_beside(settings: Settings, *command: str) -> subprocess.Popen[bytes]:
    """`python app.py COMMAND...` beside this process, on the same store, broker and var."""
    env = {
        **os.environ,
        "KWISSLE_VAR": str(settings.var_dir),
        "KWISSLE_DATABASE_URL": settings.database_url,
        "KWISSLE_BROKER_URL": broker_url(settings),
        # The worker's mails link to the game process this one serves, whatever its port.
        "KWISSLE_PUBLIC_URL": settings.public_url,
    }
    return subprocess.Popen([sys.executable, str(ROOT / "app.py"), *command], env=env)


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()


async def _serve(settings: Settings, *, whole_site: bool) -> int:
    """One game process; with `whole_site` (python app.py run) also the shipped bank on an
    empty store, a worker and the admin process."""
    store = open_store(settings)
    await store.open()
    # Opened before the worker starts, so the worker never creates the schema concurrently.
    children = []
    if whole_site:
        children.append(_start_beside(settings, "worker"))
        children.append(_start_beside(settings, "worker", "--work", "reports"))
        children.append(_start_beside(settings, "admin", "--port", str(settings.admin_port)))
    queue = CeleryQueue(make_celery(settings))  # sign-in mail and leaderboard builds
    if whole_site:
        await _load_shipped_bank(store)
    await asyncio.to_thread(warm_up)  # the judge's lists, read before the first answer
    bus = await open_bus(settings.redis_url)  # in-process when no Redis URL is set
    arena = Arena(
        store=store,
        pool=bus.pool,
        relay=bus.relay,
        router=bus.router,
        custody=bus.custody,
        config=ArenaConfig(timing=settings.timing, bot_offer_seconds=settings.bot_offer_seconds),
    )
    arena.start()
    connections = OpenConnections()
    latency = RevealLatency(store)
    latency.start()
    lag = LoopLag()
    lag.start()
    app = make_game_app(
        settings,
        store,
        arena,
        bus.relay,
        queue,
        connections,
        latency,
        queue,
        bus_state=lambda: bus.state,
        lag=lag,
    )
    settle()  # what start-up built stays out of every collection from here on
    freezer = PeriodicCallback(freeze_settled, FREEZE_SECONDS * 1000)
    freezer.start()
    pauses = PauseLog(settings.collector_log) if settings.collector_log else None
    server = http_server(app, xheaders=settings.trusts_proxy_headers(settings.host))
    server.listen(settings.game_port, address=settings.host)
    log.info("game process on http://%s:%d/", settings.host, settings.game_port)
    await _until_stopped()
    freezer.stop()
    if pauses is not None:
        pauses.close()
    log.info("shutting down: no new connections, finishing saves")
    server.stop()
    await arena.close()  # battles end as aborted and their players hear it
    await connections.close_all()  # then each player leaves the pool and presence
    await latency.close()
    await lag.stop()
    await bus.close()
    await queue.close()
    for child in children:
        child.terminate()
        await asyncio.to_thread(child.wait)
    await store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
