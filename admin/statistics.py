"""The dashboard and the reports pages under /admin/statistics: each report from its cache at
once, with its age, filters by days and category, CSV export, and the two actions the reports
lead to (relabel a question's difficulty, accept a near miss as an answer).

Nothing is computed here: services.reports.serving hands builds to the report worker.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import tornado.escape
import tornado.web

from admin.pages import AdminHandler
from game.answers import MAX_ANSWER_LENGTH
from game.pipeline import Action, State
from game.questions import CATEGORIES, DIFFICULTIES
from game.statistics import day_of
from services import pipeline
from services.bank_checks import BankChecks
from services.reports.catalog import REPORTS, ReportSpec
from services.reports.document import find_table, to_csv
from services.reports.filters import FilterError, ReportFilters, read_filters
from services.reports.serving import Served, StoreFactory, serve
from store.port import Store
from tasks.queue import ReportQueue

REPORT_NAME = r"([a-z-]{1,30})"
REPORTS_COUNTED = 100  # the dashboard counts open reports up to this many

# The notices a report page shows after an action, named by a code in the redirect.
NOTICES = {
    "relabelled": "Relabelled. The report shows it at its next refresh.",
    "accepted": "Accepted as an answer from now on.",
    "not-confirmed": "Nothing changed: tick the box to confirm that it is the same answer.",
}


class ReportsBase(AdminHandler):
    def initialize(  # type: ignore[override]
        self, store: Store, queue: ReportQueue, own_store: StoreFactory, checks: BankChecks
    ) -> None:
        super().initialize(store)
        self.queue = queue
        self.own_store = own_store
        self.checks = checks

    def spec(self, name: str) -> ReportSpec:
        spec = REPORTS.get(name)
        if spec is None:
            raise tornado.web.HTTPError(404, "There is no such report.")
        return spec

    def filters(self) -> ReportFilters:
        fields = {name: self.get_query_argument(name, "") for name in ("from", "to", "category")}
        try:
            return read_filters(fields, day_of(time.time()))
        except FilterError as error:
            raise tornado.web.HTTPError(400, str(error)) from error

    async def served(self, spec: ReportSpec, filters: ReportFilters) -> Served:
        return await serve(
            self.store, self.queue, spec, filters, time.time(), own_store=self.own_store
        )

    async def every_report(self, filters: ReportFilters) -> dict[str, Served]:
        return {name: await self.served(spec, filters) for name, spec in REPORTS.items()}


class DashboardHandler(ReportsBase):
    """GET /admin: the pipeline's counts, open reports, and each report's headline figures."""

    async def get(self) -> None:
        reports = await pipeline.open_reports(self.store, time.time(), limit=REPORTS_COUNTED)
        self.render_admin(
            "dashboard.html",
            counts=await self.store.submission_counts(),
            states=list(State),
            reports=len(reports),
            reports_capped=len(reports) == REPORTS_COUNTED,
            bank=len(await self.store.published_questions()),
            reports_catalog=REPORTS,
            served=await self.every_report(self.filters()),
        )


class StatisticsHandler(ReportsBase):
    """GET /admin/statistics: every report's headline figures, for the last 30 days."""

    async def get(self) -> None:
        filters = self.filters()
        self.render_admin(
            "statistics.html",
            reports_catalog=REPORTS,
            served=await self.every_report(filters),
            query=filters.as_query(),
        )


class ReportHandler(ReportsBase):
    """GET /admin/statistics/<report>: the report, its charts and tables, for the filters asked."""

    async def get(self, name: str) -> None:
        spec = self.spec(name)
        filters = self.filters()
        served = await self.served(spec, filters)
        self.render_admin(
            "report.html",
            spec=spec,
            served=served,
            filters=filters,
            query=filters.as_query(),
            categories=CATEGORIES,
            difficulties=DIFFICULTIES,
            notice=NOTICES.get(self.get_query_argument("notice", "")),
            now=time.time(),
        )


class ReportCsvHandler(ReportsBase):
    """GET /admin/statistics/<report>.csv?table=ID: one table of the cached report, as CSV."""

    async def get(self, name: str) -> None:
        spec = self.spec(name)
        served = await self.served(spec, self.filters())
        if served.data is None:
            raise tornado.web.HTTPError(409, "The report is still being built; try in a moment.")
        wanted = self.get_query_argument("table", "") or served.data["tables"][-1]["id"]
        found = find_table(served.data, wanted)
        if found is None:
            raise tornado.web.HTTPError(404, "That report has no such table.")
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="{name}-{wanted}.csv"')
        self.write(to_csv(found))


class RelabelHandler(ReportsBase):
    """POST: give a question the difficulty measured in play."""

    async def post(self) -> None:
        question = await self.store.get_question(self.get_body_argument("question_id", ""))
        level = self.get_body_argument("difficulty", "")
        if question is None or not level.isdigit() or int(level) not in DIFFICULTIES:
            raise tornado.web.HTTPError(
                400, "Relabel an existing question to easy, medium or hard."
            )
        relabelled = dataclasses.replace(question, difficulty=int(level))
        await _change(self, relabelled, f"relabelled from play: {question.difficulty} to {level}")
        self.redirect(_back(self, "quality", "relabelled"))


class AcceptAliasHandler(ReportsBase):
    """POST: accept a near miss as one more way to write the answer, once confirmed."""

    async def post(self) -> None:
        question = await self.store.get_question(self.get_body_argument("question_id", ""))
        text = self.get_body_argument("text", "").strip()
        if question is None or not text or len(text) > MAX_ANSWER_LENGTH:
            raise tornado.web.HTTPError(400, "Accept a typed text for an existing question.")
        if self.get_body_argument("confirm", "") != "same-answer":
            self.redirect(_back(self, "near-misses", "not-confirmed"))
            return
        if text not in question.aliases:
            accepting = dataclasses.replace(question, aliases=(*question.aliases, text))
            await _change(self, accepting, f"accepted the near miss '{text}'")
        self.redirect(_back(self, "near-misses", "accepted"))


async def _change(handler: ReportsBase, question: Any, why: str) -> None:
    try:
        await pipeline.change_bank_question(
            handler.store, handler.staff, question, Action.EDIT, time.time(), why,
            checks=handler.checks,
        )  # fmt: skip
    except pipeline.PipelineError as error:
        raise tornado.web.HTTPError(400, str(error)) from error


def _back(handler: ReportsBase, report: str, notice: str) -> str:
    """The report page the form came from, with its filters, and a notice."""
    filters = {name: handler.get_body_argument(name, "") for name in ("from", "to", "category")}
    query = "&".join(f"{k}={tornado.escape.url_escape(v)}" for k, v in filters.items() if v)
    return f"/admin/statistics/{report}?notice={notice}" + (f"&{query}" if query else "")
