"""The rules a question bank must keep: each question's shape, and no duplicates across the bank.

`check_bank` returns problems, never raises for bad content: an "error" keeps a question out of
the store, a "warning" is worth a look. It compares every question with every other, which takes
a tenth of a second for the shipped bank; `check_against` says the same about one new question
against a `BankIndex` built once, in about a millisecond. Pure: no I/O; imports game values, the
answer judge and rapidfuzz.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations

from rapidfuzz import fuzz, process, utils

from game.answers import MAX_ANSWER_LENGTH, judge, normalize
from game.questions import CATEGORIES, DIFFICULTIES, Question

MAX_TEXT = 200
MAX_ANSWER = 60
MAX_DID_YOU_KNOW = 200
WRONG_COUNT = 3
# Other answers accepted or refused: as many lines as a person can check, each no longer than
# a typed answer can be (the judge never reads past MAX_ANSWER_LENGTH).
MAX_OTHER_ANSWERS = 10
# An answer longer than this many words is hard to type in time.
MAX_ANSWER_WORDS = 3
# Texts of two questions with a common answer, compared by rapidfuzz token_set_ratio (0-100)
# after lowercasing and dropping punctuation: from SIMILAR_SCORE they are worth a look, from
# NEAR_DUPLICATE_SCORE they ask the same thing ("Who painted the Mona Lisa?" against "Which
# artist painted the Mona Lisa?" scores 91).
SIMILAR_SCORE = 75
NEAR_DUPLICATE_SCORE = 90
# Texts this close (rapidfuzz ratio) ask the same thing even when their answers differ.
SAME_TEXT_SCORE = 96


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the question of this id; a duplicate id is one problem for all."""

    question_id: str
    severity: Severity
    message: str


def check_bank(questions: Sequence[Question]) -> list[Problem]:
    """Every problem in the bank: per question in bank order, then across the bank."""
    problems = [problem for q in questions for problem in _check_question(q)]
    problems += _duplicate_ids(questions)
    problems += _duplicate_texts(questions)
    return problems


def _check_question(q: Question) -> Iterator[Problem]:
    def error(message: str) -> Problem:
        return Problem(q.id, Severity.ERROR, message)

    if q.category not in CATEGORIES:
        yield error(f"unknown category {q.category!r}")
    if q.difficulty not in DIFFICULTIES:
        yield error(f"difficulty {q.difficulty} is not one of {', '.join(map(str, DIFFICULTIES))}")
    if not q.text.endswith("?"):
        yield error('text does not end with "?"')
    if len(q.text) > MAX_TEXT:
        yield error(f"text has {len(q.text)} characters, more than {MAX_TEXT}")
    for alternative in q.alternatives:
        if len(alternative) > MAX_ANSWER:
            yield error(f"alternative {alternative!r} is longer than {MAX_ANSWER} characters")
    for name, others in (("aliases", q.aliases), ("refused", q.refused)):
        if len(others) > MAX_OTHER_ANSWERS:
            yield error(f"{len(others)} {name}, more than {MAX_OTHER_ANSWERS}")
        for other in others:
            if len(other) > MAX_ANSWER_LENGTH:
                yield error(f"{name} has a line longer than {MAX_ANSWER_LENGTH} characters")
    if len(q.wrong) != WRONG_COUNT:
        yield error(f"{len(q.wrong)} wrong alternatives instead of {WRONG_COUNT}")
    if len(q.did_you_know) > MAX_DID_YOU_KNOW:
        yield error(
            f"did_you_know has {len(q.did_you_know)} characters, more than {MAX_DID_YOU_KNOW}"
        )
    if len(q.answer.split()) > MAX_ANSWER_WORDS:
        yield Problem(q.id, Severity.WARNING, f"answer has more than {MAX_ANSWER_WORDS} words")
    yield from map(error, _alternative_problems(q))
    yield from _judge_problems(q)


def _alternative_problems(q: Question) -> Iterator[str]:
    """The four choices must be four different things, the answer among them once."""
    answer = normalize(q.answer)
    seen: set[str] = set()
    for wrong in q.wrong:
        key = normalize(wrong)
        if key == answer:
            yield f"wrong alternative {wrong!r} is the answer"
        elif key in seen:
            yield f"wrong alternative {wrong!r} is listed twice"
        seen.add(key)


def _judge_problems(q: Question) -> Iterator[Problem]:
    """Ask the judge itself, with the lists the game gives it, so bank and game agree."""
    refused = (*q.wrong, *q.refused)
    answer = normalize(q.answer)
    for wrong in q.wrong:
        if normalize(wrong) == answer:
            continue  # reported as an alternative problem already
        if judge(wrong, q.accepted, refused, person=q.person).correct:
            yield Problem(q.id, Severity.ERROR, f"wrong alternative {wrong!r} is accepted")
        # Only listing it keeps this one out, so an unlisted look-alike may get in.
        elif judge(wrong, q.accepted, _without(refused, wrong), person=q.person).correct:
            message = f"wrong alternative {wrong!r} would be accepted if it were not listed"
            yield Problem(q.id, Severity.WARNING, message)
    for accepted in q.accepted:
        verdict = judge(accepted, q.accepted, refused, person=q.person)
        if not verdict.correct:
            message = f"accepted answer {accepted!r} is refused ({verdict.reason})"
            yield Problem(q.id, Severity.ERROR, message)


@dataclass(frozen=True, slots=True)
class BankIndex:
    """A bank prepared for checking one more question against it: built by `index_bank`."""

    questions: tuple[Question, ...]
    texts: tuple[str, ...]  # each question's text as the duplicate rules compare it
    by_text: dict[str, tuple[int, ...]]  # compared text -> positions of the questions with it
    by_answer: dict[str, tuple[int, ...]]  # normalized accepted answer -> positions


def index_bank(questions: Sequence[Question]) -> BankIndex:
    """The index of `questions`, in their order (the order check_bank reports in)."""
    texts = tuple(utils.default_process(q.text) for q in questions)
    by_text: defaultdict[str, list[int]] = defaultdict(list)
    by_answer: defaultdict[str, set[int]] = defaultdict(set)
    for position, (q, text) in enumerate(zip(questions, texts, strict=True)):
        by_text[text].append(position)
        for accepted in q.accepted:
            by_answer[normalize(accepted)].add(position)
    return BankIndex(
        tuple(questions),
        texts,
        {text: tuple(found) for text, found in by_text.items()},
        {answer: tuple(sorted(found)) for answer, found in by_answer.items()},
    )


def check_against(index: BankIndex, question: Question) -> list[Problem]:
    """What check_bank says about `question` added after the bank's questions with another id,
    worked out from the index without checking the bank again."""
    others = {p for p, q in enumerate(index.questions) if q.id != question.id}
    problems = list(_check_question(question))
    text = utils.default_process(question.text)
    same = [p for p in index.by_text.get(text, ()) if p in others]
    if same:
        problems.append(_same_text(question.id, _id(index, same[0])))
    sharing = sorted(
        {p for a in question.accepted for p in index.by_answer.get(normalize(a), ()) if p in others}
    )
    close = process.extract(
        text, index.texts, scorer=fuzz.ratio, score_cutoff=SAME_TEXT_SCORE, limit=None
    )
    for _match, score, earlier in sorted(close, key=lambda found: found[2]):
        if earlier in others and earlier not in sharing and index.texts[earlier] != text:
            problems.append(_other_answer(question.id, _id(index, earlier), score))
    for earlier in sharing:
        if index.texts[earlier] == text:
            continue
        score = fuzz.token_set_ratio(index.texts[earlier], text, score_cutoff=SIMILAR_SCORE)
        if score:
            problems.append(_similar(question.id, _id(index, earlier), score))
    return problems


def _id(index: BankIndex, position: int) -> str:
    return index.questions[position].id


def _without(items: tuple[str, ...], item: str) -> tuple[str, ...]:
    return tuple(x for x in items if x != item)


def _duplicate_ids(questions: Sequence[Question]) -> Iterator[Problem]:
    counts: defaultdict[str, int] = defaultdict(int)
    for q in questions:
        counts[q.id] += 1
    for question_id, count in counts.items():
        if count > 1:
            yield Problem(question_id, Severity.ERROR, f"id used by {count} questions")


def _duplicate_texts(questions: Sequence[Question]) -> Iterator[Problem]:
    """Each later question that repeats an earlier one's text, or nearly repeats it.

    Templated questions ("What is the capital city of X?") differ by one word yet ask different
    things, so a near-duplicate is a similar text that also shares an accepted answer. Comparing
    only questions that share an answer keeps this fast for any bank size.
    """
    texts = [utils.default_process(q.text) for q in questions]
    first_with_text: dict[str, Question] = {}
    for q, text in zip(questions, texts, strict=True):
        first = first_with_text.setdefault(text, q)
        if first is not q:
            yield _same_text(q.id, first.id)
    sharing = _pairs_sharing_an_answer(questions)
    yield from _same_text_other_answer(questions, texts, set(sharing))
    for earlier, later in sharing:
        if texts[earlier] == texts[later]:
            continue
        score = fuzz.token_set_ratio(texts[earlier], texts[later], score_cutoff=SIMILAR_SCORE)
        if score:
            yield _similar(questions[later].id, questions[earlier].id, score)


def _same_text_other_answer(
    questions: Sequence[Question], texts: list[str], sharing: set[tuple[int, int]]
) -> Iterator[Problem]:
    """Near-identical texts whose answers differ: one of the two is probably wrong.

    Only the closest texts count ("two under par" and "three under par" score 95 and are both
    right), so templated questions stay quiet. One C scan per question over the whole bank.
    """
    for earlier, text in enumerate(texts):
        found = process.extract(
            text, texts, scorer=fuzz.ratio, score_cutoff=SAME_TEXT_SCORE, limit=None
        )
        for _match, score, later in found:
            if later <= earlier or (earlier, later) in sharing or texts[later] == text:
                continue
            yield _other_answer(questions[later].id, questions[earlier].id, score)


def duplicate_key(question: Question) -> str:
    """What two submissions share when they are the same question sent twice: the text as the
    duplicate rules compare it (case and punctuation aside) and the normalized answer."""
    return f"{utils.default_process(question.text)}\n{normalize(question.answer)}"


def _same_text(question_id: str, first_id: str) -> Problem:
    return Problem(question_id, Severity.ERROR, f"same text as {first_id}")


def _similar(question_id: str, earlier_id: str, score: float) -> Problem:
    severity = Severity.ERROR if score >= NEAR_DUPLICATE_SCORE else Severity.WARNING
    message = f"asks nearly what {earlier_id} asks, with the same answer (similarity {score:.0f})"
    return Problem(question_id, severity, message)


def _other_answer(question_id: str, earlier_id: str, score: float) -> Problem:
    message = (
        f"nearly the same text as {earlier_id} with another answer"
        f" (similarity {score:.0f}): check that both are right"
    )
    return Problem(question_id, Severity.WARNING, message)


def _pairs_sharing_an_answer(questions: Sequence[Question]) -> list[tuple[int, int]]:
    """Index pairs (earlier, later) of questions that accept a common normalized answer."""
    by_answer: defaultdict[str, set[int]] = defaultdict(set)
    for index, q in enumerate(questions):
        for accepted in q.accepted:
            by_answer[normalize(accepted)].add(index)
    pairs = {pair for group in by_answer.values() for pair in combinations(sorted(group), 2)}
    return sorted(pairs)
