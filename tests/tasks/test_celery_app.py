"""The Celery app's configuration: JSON only, and the broker the settings name."""

from __future__ import annotations

from pathlib import Path

from settings import Settings
from tasks.app import broker_url, make_celery


def test_messages_are_json_and_nothing_else_is_accepted(tmp_path: Path):
    conf = make_celery(Settings(var_dir=tmp_path)).conf

    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.result_accept_content == ["json"]


def test_the_broker_is_the_one_named_then_redis_then_a_folder_under_var(tmp_path: Path):
    assert broker_url(Settings(broker_url="redis://b/1", redis_url="redis://r/0")) == "redis://b/1"
    assert broker_url(Settings(redis_url="redis://r/0")) == "redis://r/0"
    assert broker_url(Settings()).startswith("filesystem://")


def test_the_filesystem_broker_keeps_its_queue_under_var(tmp_path: Path):
    conf = make_celery(Settings(var_dir=tmp_path)).conf

    assert conf.broker_transport_options["data_folder_in"] == str(tmp_path / "broker" / "queue")
