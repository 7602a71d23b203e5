"""The bank commands against real files and a real SQLite store in a temporary folder."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bank.commands import LoadSummary, check, dump, load
from bank.files import format_line, read_bank
from game.questions import Question
from store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "data" / "fixtures" / "questions.jsonl"
SHIPPED = sorted((ROOT / "data" / "questions").glob("*.jsonl"))

Run = Callable[[Coroutine[Any, Any, Any]], Any]


@pytest.fixture
def run() -> Iterator[Run]:
    with asyncio.Runner() as runner:
        yield runner.run


def opened_store(run: Run, path: Path) -> Iterator[SQLiteStore]:
    opened = SQLiteStore(path)
    run(opened.open())
    yield opened
    run(opened.close())


@pytest.fixture
def store(run: Run, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    yield from opened_store(run, tmp_path_factory.mktemp("store") / "kwissle.db")


@pytest.fixture
def other_store(run: Run, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    yield from opened_store(run, tmp_path_factory.mktemp("other") / "kwissle.db")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def fixture_questions() -> list[Question]:
    return read_bank([FIXTURES]).questions


def write(path: Path, questions: Sequence[Question], *extra_lines: str) -> Path:
    path.write_text("".join(map(format_line, questions)) + "".join(extra_lines), encoding="utf-8")
    return path


def checked(paths: Sequence[Path]) -> tuple[int, str]:
    out = io.StringIO()
    code = check(paths, out=out)
    return code, out.getvalue()


def loaded(run: Run, paths: Sequence[Path], store: SQLiteStore) -> tuple[LoadSummary, str]:
    out = io.StringIO()
    summary = run(load(paths, store, out=out))
    return summary, out.getvalue()


def test_check_passes_a_good_file_with_exit_code_zero():
    code, report = checked([FIXTURES])

    assert (code, report) == (0, "checked 40 questions in 1 file: 0 errors, 0 warnings\n")


def test_check_fails_on_an_error_and_names_the_file_line_and_question(tmp_path):
    good, bad = fixture_questions()[:2]
    path = write(tmp_path / "bad.jsonl", [good, replace(bad, text="Name the ocean.")])

    code, report = checked([path])

    assert code == 1
    assert report == (
        f"{path}\n"
        f'  line 2 ({bad.id}): error: text does not end with "?"\n'
        "checked 2 questions in 1 file: 1 error, 0 warnings\n"
    )


def test_check_reports_lines_that_are_not_questions(tmp_path):
    path = write(tmp_path / "broken.jsonl", [], "{not json\n", '{"id": "no-text"}\n', "[1]\n")

    code, report = checked([path])

    assert code == 1
    assert report.splitlines()[1:] == [
        "  line 1: error: not valid JSON (Expecting property name enclosed in double quotes"
        " at column 2)",
        "  line 2: error: not a question: question 'no-text': 'category'",
        "  line 3: error: expected a JSON object, found list",
        "checked 0 questions in 1 file: 3 errors, 0 warnings",
    ]


def test_check_reports_a_missing_file(tmp_path):
    missing = tmp_path / "missing.jsonl"

    code, report = checked([missing])

    assert code == 1
    assert report.startswith(f"{missing}\n  file: error: cannot read: ")


def test_check_passes_a_bank_with_warnings_only(tmp_path):
    question = replace(fixture_questions()[0], answer="The Italian Republic Today")
    path = write(tmp_path / "long.jsonl", [question])

    code, report = checked([path])

    assert code == 0
    assert report.endswith("checked 1 question in 1 file: 0 errors, 1 warning\n")


def test_check_names_every_file_that_holds_a_duplicated_id(tmp_path):
    first, second = fixture_questions()[:2]
    one = write(tmp_path / "one.jsonl", [first])
    two = write(tmp_path / "two.jsonl", [replace(second, id=first.id)])

    code, report = checked([one, two])

    assert code == 1
    assert report.splitlines()[:4] == [
        str(one),
        f"  line 1 ({first.id}): error: id used by 2 questions",
        str(two),
        f"  line 1 ({first.id}): error: id used by 2 questions",
    ]


def test_check_reads_every_bank_file_in_a_folder(tmp_path):
    questions = fixture_questions()
    write(tmp_path / "a.jsonl", questions[:10])
    write(tmp_path / "b.jsonl", questions[10:])

    code, report = checked([tmp_path])

    assert (code, report) == (0, "checked 40 questions in 2 files: 0 errors, 0 warnings\n")


def test_check_of_no_questions_fails(tmp_path):
    code, report = checked([tmp_path])

    assert (code, report) == (1, "checked 0 questions in 0 files: 0 errors, 0 warnings\n")


def test_loading_a_fresh_bank_adds_every_question(run, store):
    _, output = loaded(run, [FIXTURES], store)

    assert output == "loaded 40 questions: 40 added, 0 updated, 0 unchanged, 0 refused\n"
    assert run(store.all_questions()) == fixture_questions()


def test_loading_the_same_bank_twice_changes_nothing(run, store):
    loaded(run, [FIXTURES], store)

    summary, _ = loaded(run, [FIXTURES], store)

    assert (summary.added, summary.updated, summary.unchanged) == (0, 0, 40)
    assert run(store.all_questions()) == fixture_questions()


def test_an_edited_question_is_updated_on_the_next_load(run, store, tmp_path):
    questions = fixture_questions()
    loaded(run, [FIXTURES], store)
    edited = replace(questions[0], did_you_know="Rome lies on the river Tiber.")
    path = write(tmp_path / "edited.jsonl", [edited, *questions[1:]])

    summary, _ = loaded(run, [path], store)

    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 39)
    assert run(store.get_question(edited.id)) == edited


def test_load_refuses_questions_with_errors_and_says_why(run, store, tmp_path):
    good, bad = fixture_questions()[:2]
    bad = replace(bad, wrong=("Atlantic", "Indian"))
    path = write(tmp_path / "mixed.jsonl", [good, bad], "{oops\n")

    _, output = loaded(run, [path], store)

    assert output.splitlines() == [
        "loaded 3 questions: 1 added, 0 updated, 0 unchanged, 2 refused",
        f"  refused {path}:3: not valid JSON (Expecting property name enclosed in double quotes"
        " at column 2)",
        f"  refused {bad.id} ({path}:2): 2 wrong alternatives instead of 3",
    ]
    assert run(store.all_questions()) == [good]


def test_load_refuses_every_copy_of_a_duplicated_id(run, store, tmp_path):
    first, second = fixture_questions()[:2]
    path = write(tmp_path / "twice.jsonl", [first, replace(second, id=first.id)])

    summary, _ = loaded(run, [path], store)

    assert [refusal.reasons for refusal in summary.refused] == [("id used by 2 questions",)] * 2
    assert run(store.all_questions()) == []


def test_load_draws_a_progress_bar_on_a_terminal(run, store):
    out = Terminal()

    run(load([FIXTURES], store, out=out))

    bar, summary = out.getvalue().split("\n")[-3:-1]
    assert bar.endswith("\r[" + "#" * 30 + "] 40/40")
    assert summary == "loaded 40 questions: 40 added, 0 updated, 0 unchanged, 0 refused"


def test_dump_writes_each_category_to_its_own_file_in_bank_format_ordered_by_id(
    run, store, tmp_path
):
    loaded(run, [FIXTURES], store)
    by_category: dict[str, str] = {}
    for question in sorted(fixture_questions(), key=lambda q: q.id):
        by_category[question.category] = by_category.get(question.category, "") + format_line(
            question
        )

    run(dump(store, tmp_path, out=io.StringIO()))

    assert {f.stem: f.read_text(encoding="utf-8") for f in tmp_path.glob("*.jsonl")} == by_category


def test_dump_says_how_many_questions_it_wrote_and_where(run, store, tmp_path):
    loaded(run, [FIXTURES], store)
    out = io.StringIO()

    count = run(dump(store, tmp_path, out=out))

    assert count == 40
    assert out.getvalue() == f"dumped 40 questions to 4 files in {tmp_path}\n"


def test_a_dump_loads_back_into_an_empty_store_unchanged(run, store, other_store, tmp_path):
    loaded(run, [FIXTURES], store)
    run(dump(store, tmp_path / "dump", out=io.StringIO()))

    summary, _ = loaded(run, [tmp_path / "dump"], other_store)

    assert (summary.added, len(summary.refused)) == (40, 0)
    assert run(other_store.all_questions()) == run(store.all_questions())


@pytest.mark.skipif(not SHIPPED, reason="no bank files in data/questions yet")
def test_shipped_bank_passes_its_own_check():
    code, report = checked(SHIPPED)

    assert code == 0, report
