"""The game process's Tornado application: pages, static files and the SockJS channel at /socket."""

from __future__ import annotations

from collections.abc import Callable

import tornado.web
from sockjs.tornado import SockJSRouter

from bus.port import Relay
from handlers import auth, health, lobby, pages, players, questions
from handlers.base import web_settings
from services.bank_checks import BankChecks
from settings import Settings
from sockets.arena import Arena
from sockets.connection import ChannelDeps, OpenConnections, connection_class
from sockets.latency import RevealLatency
from sockets.transports import Gate, channel_routes
from store.port import Store
from tasks.queue import MailQueue, NoMailQueue, NoReportQueue, ReportQueue

SOCKET_PATH = "/socket"

SOCKJS_SETTINGS = {
    # jsonp and htmlfile run script from our origin in a frame; eventsource is not needed.
    "disabled_transports": ["jsonp", "htmlfile", "eventsource"],
    "disconnect_delay": 5,
    "heartbeat_delay": 25,
    "jsessionid": False,
    # Messages sent to a connection in one turn of the loop go out as one frame, one write
    # (what one event tells a player: an attempt and the reveal, say).
    "immediate_flush": False,
}


def make_game_app(
    settings: Settings,
    store: Store,
    arena: Arena,
    relay: Relay,
    mail_queue: MailQueue | None = None,
    connections: OpenConnections | None = None,
    latency: RevealLatency | None = None,
    report_queue: ReportQueue | None = None,
    bus_state: Callable[[], str] = lambda: "local",
    lag: health.LoopLag | None = None,
) -> tornado.web.Application:
    """The app; without a `mail_queue` sign-in answers that mail is unavailable. `connections`
    lets the caller close the game channel's connections on shutdown. `bus_state` and `lag`
    feed /health (the bus's Bus.state; the loop's lag, sampled from the first ask if not given)."""
    deps = ChannelDeps(
        arena=arena,
        relay=relay,
        secret=settings.cookie_secret,
        session_user=store.session_user,
        connections=connections or OpenConnections(),
        latency=latency or RevealLatency(store),
    )
    gate = Gate(
        allowed_origins=frozenset(o.lower() for o in settings.allowed_origins),
        connections=deps.connections,
        max_per_address=settings.max_connections_per_address,
    )
    router = SockJSRouter(connection_class(deps), SOCKET_PATH, SOCKJS_SETTINGS)
    with_store = {"store": store}
    # The leaderboards come from the report worker; without a queue they wait for one.
    with_boards = {"store": store, "queue": report_queue or NoReportQueue()}
    with_mail = {
        "store": store,
        "mail_queue": mail_queue or NoMailQueue(),
        "public_url": settings.public_url,
        "relay": relay,
    }
    with_limit = {"store": store, "daily_limit": settings.daily_submissions}
    with_checks = {**with_limit, "checks": BankChecks(store)}
    with_vitals = {
        "arena": arena,
        "connections": deps.connections,
        "bus_state": bus_state,
        "lag": lag or health.LoopLag(),
    }
    routes: list = [
        (r"/health", health.HealthHandler, with_vitals),
        (r"/", pages.HomeHandler, with_boards),
        (r"/guest", pages.GuestHandler, with_boards),
        (r"/rules", pages.RulesHandler, with_store),
        (
            r"/rules/answers",
            pages.DocHandler,
            {**with_store, "doc": "answers", "title": "How answers are judged"},
        ),
        (
            r"/rules/ratings",
            pages.DocHandler,
            {**with_store, "doc": "ratings", "title": "How ratings work"},
        ),
        (r"/leaderboards", players.LeaderboardsHandler, with_boards),
        (rf"/players/{players.PLAYER_KEY}", players.ProfileHandler, with_store),
        (r"/battles/([0-9a-f]{32})", pages.ReplayHandler, with_store),
        (r"/online", lobby.OnlineHandler, {"store": store, "relay": relay}),
        (rf"/versus/({lobby.USER_ID})", lobby.VersusHandler, with_store),
        (r"/questions/new", questions.NewQuestionHandler, with_checks),
        (r"/questions/mine", questions.MyQuestionsHandler, with_limit),
        (r"/questions/report", questions.ReportHandler, with_store),
        (r"/review", questions.ReviewHandler, with_limit),
        (r"/contributors", questions.ContributorsHandler, with_store),
        (r"/signin", auth.SigninHandler, with_mail),
        (r"/signin/([A-Za-z0-9_-]{1,100})", auth.LinkHandler, with_mail),
        (r"/signout", auth.SignoutHandler, {"store": store, "relay": relay}),
        (r"/account", auth.AccountHandler, with_store),
        *channel_routes(router, gate),
    ]
    return tornado.web.Application(
        routes,
        default_handler_class=pages.NotFoundHandler,
        default_handler_args=with_store,
        **web_settings(settings),
    )
