"""The admin process's Tornado application: every route under /admin, moderators and admins only.

Built like the game application (templates, signed cookies, XSRF, the same user lookup) but on
its own port and IOLoop, so a slow moderation page or report cannot delay a battle.
"""

from __future__ import annotations

import functools

import tornado.web

from admin import fair_play, pages, statistics
from admin.notify import rejection_mailer
from handlers.base import web_settings
from services.bank_checks import BankChecks
from settings import Settings
from store.factory import make_store
from store.port import Store
from tasks.queue import MailQueue, NoMailQueue, NoReportQueue, ReportQueue

QUESTION_ID = r"([A-Za-z0-9_.:-]{1,80})"


def make_admin_app(
    settings: Settings,
    store: Store,
    mail_queue: MailQueue | None = None,
    report_queue: ReportQueue | None = None,
) -> tornado.web.Application:
    """The app; without a `mail_queue` every rejection says its mail could not be queued, and
    without a `report_queue` reports are built on a thread of this process."""
    deps = {"store": store}
    checks = BankChecks(store)  # one index of the bank for every page that checks questions
    reports = {
        **deps,
        "checks": checks,
        "queue": report_queue or NoReportQueue(),
        # A build on this process's own thread opens a store connection of its own.
        "own_store": functools.partial(
            make_store, settings.database_url, settings.var_dir / "kwissle.db"
        ),
    }
    notify_rejection = rejection_mailer(mail_queue or NoMailQueue())
    checked = {**deps, "checks": checks}
    routes: list = [
        (r"/admin/?", statistics.DashboardHandler, reports),
        (r"/admin/queue", pages.QueueHandler, checked),
        (rf"/admin/queue/{QUESTION_ID}", pages.DecisionHandler,
         {**checked, "notify_rejection": notify_rejection}),
        (r"/admin/reports", pages.ReportsHandler, checked),
        (rf"/admin/questions/{QUESTION_ID}", pages.EditQuestionHandler, checked),
        (r"/admin/users", pages.UsersHandler, deps),
        (rf"/admin/fair-play(?:/({fair_play.KIND_PATTERN}))?", fair_play.FairPlayHandler, deps),
        (r"/admin/statistics", statistics.StatisticsHandler, reports),
        (r"/admin/statistics/relabel", statistics.RelabelHandler, reports),
        (r"/admin/statistics/accept", statistics.AcceptAliasHandler, reports),
        (rf"/admin/statistics/{statistics.REPORT_NAME}\.csv", statistics.ReportCsvHandler, reports),
        (rf"/admin/statistics/{statistics.REPORT_NAME}", statistics.ReportHandler, reports),
    ]  # fmt: skip
    if settings.admin_test_routes:
        routes += [
            (r"/admin/test/slow", pages.SlowHandler, deps),
            (r"/admin/test/ip", pages.RemoteIPHandler, deps),
        ]
    return tornado.web.Application(
        routes,
        static_url_prefix="/admin/static/",
        default_handler_class=pages.NotFoundHandler,
        default_handler_args=deps,
        public_url=settings.public_url,  # error pages send non-staff back to the game
        **web_settings(settings),
    )
