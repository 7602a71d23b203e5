"""Question selection policy: which published questions a battle plays, and in what order.

Pure: no I/O, no clock; randomness comes from a `random.Random` the caller passes in, so a seed
replays a selection. Imports game values only.

The policy fills difficulty slots (easy first, hard last). Each slot takes the best question the
bank allows, relaxing one wish at a time when the bank runs short, in this order: avoid recently
seen questions, match the slot's difficulty, spread categories, stay in the chosen category.
Questions authored by a player are never eligible and no question is played twice in a battle.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from functools import partial

from game.questions import DIFFICULTIES, Question

# Share of a battle that is easy and hard; the rest is medium. Ten questions give 4 / 3 / 3.
_EASY_SHARE = 0.35
_HARD_SHARE = 0.25

# With enough categories no category appears more than this many times in a battle.
_MIN_CATEGORY_CAP = 2


def select_questions(
    pool: Sequence[Question],
    *,
    count: int = 10,
    exclude_authors: Collection[str],
    recently_seen: Collection[str],
    category: str | None,
    rng: random.Random,
) -> list[Question]:
    """Pick `count` questions for one battle, sorted by non-decreasing difficulty.

    `exclude_authors` holds the players' ids; `recently_seen` the ids of questions either player
    met lately; `category` the chosen category or None for a mix. Returns fewer than `count`
    questions only when fewer distinct published questions by other authors exist. Never raises
    for a short or empty pool.
    """
    eligible = _eligible(pool, exclude_authors)
    slots = _difficulty_plan(count)
    chosen = _fill(slots, eligible, recently_seen, category, rng)
    return _arrange(chosen)


def _eligible(pool: Sequence[Question], exclude_authors: Collection[str]) -> list[Question]:
    """Published questions by neither player, one per id."""
    by_id: dict[str, Question] = {}
    for question in pool:
        if question.published and question.author_id not in exclude_authors:
            by_id.setdefault(question.id, question)
    return list(by_id.values())


def _difficulty_plan(count: int) -> list[int]:
    """The wished difficulty of each slot, easy first."""
    count = max(count, 0)
    easy = round(count * _EASY_SHARE + 0.01)  # nudge so that 3.5 rounds up, not to even
    hard = round(count * _HARD_SHARE + 0.01)
    medium = max(count - easy - hard, 0)
    easiest, middle, hardest = DIFFICULTIES
    return [easiest] * easy + [middle] * medium + [hardest] * hard


def _fill(
    slots: list[int],
    eligible: list[Question],
    recently_seen: Collection[str],
    category: str | None,
    rng: random.Random,
) -> list[Question]:
    """Fill every slot it can, relaxing one wish per pass."""
    candidates = list(eligible)
    rng.shuffle(candidates)  # ties below go to the earliest candidate, so this is the only draw
    cap = _category_cap(candidates, len(slots), category)
    picked: list[Question | None] = [None] * len(slots)
    used: set[str] = set()
    per_category: Counter[str] = Counter()

    def fresh(q: Question, slot: int) -> bool:
        return q.id not in recently_seen

    def right_difficulty(q: Question, slot: int) -> bool:
        return q.difficulty == slots[slot]

    def spread(q: Question, slot: int) -> bool:
        return per_category[q.category] < cap

    def in_category(q: Question, slot: int) -> bool:
        return category is None or q.category == category

    def shortfall(q: Question, slot: int) -> int:
        """0 for an ideal question; being seen weighs more than any difficulty gap (at most 2)."""
        return 10 * (not fresh(q, slot)) + abs(q.difficulty - slots[slot])

    # Ordered from the first wish to give up to the last.
    wishes = [fresh, right_difficulty, spread, in_category]
    for relaxed in range(len(wishes) + 1):
        kept = wishes[relaxed:]
        for slot, question in enumerate(picked):
            if question is not None:
                continue
            allowed = (
                q for q in candidates if q.id not in used and all(wish(q, slot) for wish in kept)
            )
            best = _lowest(allowed, partial(shortfall, slot=slot))
            if best is not None:
                picked[slot] = best
                used.add(best.id)
                per_category[best.category] += 1
    return [q for q in picked if q is not None]


def _category_cap(candidates: list[Question], count: int, category: str | None) -> int:
    """How often one category may appear: two, or more when the pool has few categories."""
    if category is not None:
        return count
    categories = len({q.category for q in candidates}) or 1
    return max(_MIN_CATEGORY_CAP, math.ceil(count / categories))


def _lowest(questions: Iterable[Question], score: Callable[[Question], int]) -> Question | None:
    """The first question with the lowest score; stops early at a perfect 0."""
    best, best_score = None, math.inf
    for question in questions:
        value = score(question)
        if value < best_score:
            best, best_score = question, value
            if value == 0:
                break
    return best


def _arrange(chosen: list[Question]) -> list[Question]:
    """Sort by difficulty and, inside each difficulty, avoid two same-category neighbours.

    Greedy: each position takes a question of the category with the most questions left in its
    difficulty group, skipping the previous category; ties go to the category the next group
    needs most, so that it is not left for the end of this group.
    """
    difficulties = sorted({q.difficulty for q in chosen})
    groups = [[q for q in chosen if q.difficulty == d] for d in difficulties]
    ordered: list[Question] = []
    for group, next_group in zip(groups, [*groups[1:], []], strict=False):
        following = Counter(q.category for q in next_group)
        left = list(group)
        while left:
            previous = ordered[-1].category if ordered else None
            best = _next_in_group(left, previous, following)
            left.remove(best)
            ordered.append(best)
    return ordered


def _next_in_group(left: list[Question], previous: str | None, following: Counter[str]) -> Question:
    remaining = Counter(q.category for q in left)
    return max(
        left,
        key=lambda q: (q.category != previous, remaining[q.category], following[q.category]),
    )
