"""The Celery app: JSON-only messages, the broker settings name, the mail and report tasks.

Built by make_celery(settings) in app.py, never at import. The broker is KWISSLE_BROKER_URL, else
KWISSLE_REDIS_URL, else kombu's filesystem transport in var/broker, which needs no server and
works between processes of one machine (`python app.py run`). Pickle is refused: a message is
JSON or it is not read.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from celery import Celery, Task

from services.question_health import pull_back
from services.reports.filters import ReportFilters
from services.reports.serving import build_and_save
from settings import Settings
from store.factory import make_store
from store.port import Store
from tasks.mail import MailBackend, MailError, make_backend
from tasks.queue import BUILD_REPORT, CHECK_QUESTIONS, SEND_MAIL, SEND_REJECTION_MAIL
from tasks.rejection_mail import deliver_rejection
from tasks.signin_mail import deliver_signin_link

log = logging.getLogger("kwissle.tasks")
T = TypeVar("T")
# Work on a worker's store and mail backend (see WorkerResources.run).
Job = Callable[[Store, MailBackend], Coroutine[Any, Any, T]]

CONNECT_TIMEOUT = 3.0  # seconds to reach the broker before a publish gives up
FILESYSTEM_POLL = 0.05  # seconds between looks into the filesystem queue
MAIL_RETRIES = 8
QUEUE = "kwissle"  # mail: short tasks a person waits for
REPORTS_QUEUE = "kwissle-reports"  # report builds: long, so never in front of a sign-in mail
WORKER_QUEUES = {"mail": QUEUE, "reports": REPORTS_QUEUE}
# A named host keeps kombu from warning that none was given; the folder is what counts.
EMBEDDED_BROKER = "filesystem://localhost/"


def broker_url(settings: Settings) -> str:
    return settings.broker_url or settings.redis_url or EMBEDDED_BROKER


def _transport_options(url: str, var_dir: Path) -> dict[str, Any]:
    if not url.startswith("filesystem://"):
        # No transport-level retries: a publish to a broker that is down fails at once (the
        # worker's own reconnecting is Celery's and stays on).
        return {"socket_connect_timeout": CONNECT_TIMEOUT, "socket_timeout": 10.0, "max_retries": 0}
    queue = var_dir / "broker" / "queue"
    queue.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        # Without it kombu keeps its exchange table in ./control, wherever the process started.
        "control_folder": str(var_dir / "broker" / "control"),
        "store_processed": False,
        "polling_interval": FILESYSTEM_POLL,
    }


def make_celery(settings: Settings) -> Celery:
    """The configured app, without tasks: enough to publish them by name."""
    url = broker_url(settings)
    app = Celery("kwissle", broker=url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        event_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        task_ignore_result=True,
        # Safe because every task is idempotent: a worker that dies mid-task leaves it queued.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        # The filesystem transport has no broadcast, which remote control needs.
        worker_enable_remote_control=not url.startswith("filesystem://"),
        task_default_queue=QUEUE,
        task_routes={
            BUILD_REPORT: {"queue": REPORTS_QUEUE},
            CHECK_QUESTIONS: {"queue": REPORTS_QUEUE},
        },
        broker_connection_timeout=CONNECT_TIMEOUT,
        broker_connection_retry_on_startup=True,
        broker_transport_options=_transport_options(url, settings.var_dir),
    )
    return app


def register_tasks(app: Celery, resources: WorkerResources) -> None:
    """Add the tasks a worker runs, using `resources` for the store and the mail backend."""

    def mail(task: Task, what: str, job: Job[StrEnum]) -> str:
        try:
            delivery = resources.run(job)
        except MailError as error:
            log.warning("%s not sent, will retry: %s", what, error)
            raise task.retry(exc=error, countdown=min(300, 5 * 2**task.request.retries)) from None
        log.info("%s: %s", what, delivery)
        return delivery.value

    @app.task(name=SEND_MAIL, bind=True, max_retries=MAIL_RETRIES)
    def send_mail(task: Task, token_id: str, link: str) -> str:
        return mail(
            task,
            f"sign-in mail {token_id[:12]}",
            lambda store, backend: deliver_signin_link(store, backend, token_id, link, time.time()),
        )

    @app.task(name=SEND_REJECTION_MAIL, bind=True, max_retries=MAIL_RETRIES)
    def send_rejection_mail(task: Task, question_id: str, rejected_at: float) -> str:
        return mail(
            task,
            f"rejection mail {question_id}",
            lambda store, backend: deliver_rejection(
                store, backend, question_id, rejected_at, time.time(), resources.public_url
            ),
        )

    @app.task(name=BUILD_REPORT)
    def build_report(name: str, filters: dict[str, Any]) -> None:
        wanted = ReportFilters.from_dict(filters)
        resources.run(lambda store, _backend: build_and_save(store, name, wanted))

    @app.task(name=CHECK_QUESTIONS)
    def check_questions() -> int:
        recalled = resources.run(lambda store, _backend: pull_back(store, time.time()))
        return len(recalled)


class WorkerResources:
    """The store and mail backend of one worker process, opened on the first task."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._runner: asyncio.Runner | None = None
        self._store: Store | None = None
        self._backend: MailBackend | None = None

    @property
    def public_url(self) -> str:
        return self._settings.public_url

    def run(self, job: Job[T]) -> T:
        """Run `job` on this worker's store and backend, opening them the first time."""
        if self._runner is None:
            self._runner = asyncio.Runner()
        if self._store is None:
            store = make_store(self._settings.database_url, self._settings.var_dir / "kwissle.db")
            self._runner.run(store.open())
            self._store = store
        if self._backend is None:
            self._backend = make_backend(self._settings)
        return self._runner.run(job(self._store, self._backend))

    def close(self) -> None:
        if self._runner is None:
            return
        if self._store is not None:
            self._runner.run(self._store.close())
        self._runner.close()


def run_worker(settings: Settings, work: str = "mail") -> int:
    """Run one worker for `work` (a WORKER_QUEUES name) in this process until it is told to
    stop (SIGTERM, SIGINT)."""
    app = make_celery(settings)
    resources = WorkerResources(settings)
    register_tasks(app, resources)
    log.info("%s worker on %s", work, broker_url(settings).split("@")[-1])
    try:
        # solo: one task at a time in this process, so the store and the event loop need no
        # locks; run more workers for more mail. The filesystem transport has no broadcast,
        # so the features that need one are off.
        app.worker_main(
            [
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                f"--queues={WORKER_QUEUES[work]}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
        )
    finally:
        resources.close()
    return 0
