"""The question selection policy: eligibility, spread, rising difficulty and a short bank."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection, Sequence
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from game.questions import CATEGORIES, Question
from game.selection import select_questions

PLAYERS = ("alice", "bob")


def question(
    qid: str,
    *,
    category: str = "geography",
    difficulty: int = 1,
    author_id: str | None = None,
    published: bool = True,
) -> Question:
    return Question(
        id=qid,
        category=category,
        difficulty=difficulty,
        text=f"Question {qid}?",
        answer="yes",
        wrong=("no", "maybe", "never"),
        author_id=author_id,
        published=published,
    )


def bank(categories: Sequence[str] = CATEGORIES, per_difficulty: int = 3) -> list[Question]:
    """Every category with `per_difficulty` questions of each difficulty."""
    return [
        question(f"{category}-{difficulty}-{n}", category=category, difficulty=difficulty)
        for category in categories
        for difficulty in (1, 2, 3)
        for n in range(per_difficulty)
    ]


def select(
    pool: Sequence[Question],
    *,
    seed: int = 7,
    count: int = 10,
    seen: Collection[str] = (),
    category: str | None = None,
) -> list[Question]:
    return select_questions(
        pool,
        count=count,
        exclude_authors=PLAYERS,
        recently_seen=seen,
        category=category,
        rng=random.Random(seed),
    )


def ids(questions: Sequence[Question]) -> set[str]:
    return {q.id for q in questions}


def test_a_well_stocked_bank_gives_ten_distinct_questions():
    picked = select(bank())

    assert len(ids(picked)) == 10


def test_unpublished_questions_are_never_selected():
    pool = [question(f"q{n}", published=n % 2 == 0) for n in range(30)]

    picked = select(pool)

    assert all(q.published for q in picked)


def test_questions_written_by_either_player_are_never_selected():
    pool = [question(f"q{n}", author_id=("alice", "bob", "carol")[n % 3]) for n in range(30)]

    picked = select(pool)

    assert {q.author_id for q in picked} == {"carol"}


def test_recently_seen_questions_are_avoided_when_the_bank_allows():
    pool = bank()
    seen = {q.id for q in pool[::2]}

    picked = select(pool, seen=seen)

    assert not ids(picked) & seen


def test_recently_seen_questions_fill_in_only_when_fresh_ones_run_out():
    pool = bank(categories=CATEGORIES[:4], per_difficulty=1)
    fresh = {q.id for q in pool[:6]}
    seen = ids(pool) - fresh

    picked = select(pool, seen=seen)

    assert len(picked) == 10
    assert fresh <= ids(picked)


def test_a_seen_question_of_the_right_difficulty_beats_a_fresh_one_of_the_wrong_difficulty():
    easy_and_medium = bank(per_difficulty=2)
    easy_and_medium = [q for q in easy_and_medium if q.difficulty < 3]
    hard_seen = [question(f"hard-{c}", category=c, difficulty=3) for c in CATEGORIES]

    picked = select(easy_and_medium + hard_seen, seen=ids(hard_seen))

    assert [q.difficulty for q in picked][-3:] == [3, 3, 3]


def test_difficulty_never_falls_across_the_battle():
    picked = select(bank())

    difficulties = [q.difficulty for q in picked]
    assert difficulties == sorted(difficulties)


def test_a_battle_of_ten_plays_four_easy_three_medium_and_three_hard_questions():
    picked = select(bank())

    assert Counter(q.difficulty for q in picked) == {1: 4, 2: 3, 3: 3}


def test_no_category_appears_more_than_twice_when_the_bank_has_many_categories():
    for seed in range(50):
        picked = select(bank(), seed=seed)

        assert max(Counter(q.category for q in picked).values()) <= 2


def test_no_two_neighbours_share_a_category_when_the_bank_has_many_categories():
    for seed in range(50):
        picked = select(bank(), seed=seed)

        assert all(a.category != b.category for a, b in pairwise(picked))


def test_a_bank_of_few_categories_spreads_them_as_evenly_as_it_can():
    picked = select(bank(categories=CATEGORIES[:4]))

    assert max(Counter(q.category for q in picked).values()) <= 3


def test_a_chosen_category_gives_questions_of_that_category_only():
    picked = select(bank(per_difficulty=4), category="music")

    assert {q.category for q in picked} == {"music"}


def test_a_chosen_category_that_runs_short_is_topped_up_from_other_categories():
    pool = bank(per_difficulty=1)

    picked = select(pool, category="music")

    assert len(picked) == 10
    assert {q.id for q in pool if q.category == "music"} <= ids(picked)


def test_a_bank_of_one_category_still_fills_the_battle():
    picked = select(bank(categories=["sport"], per_difficulty=4))

    assert len(picked) == 10


def test_a_bank_without_hard_questions_still_fills_the_battle_in_rising_order():
    pool = [q for q in bank() if q.difficulty < 3]

    picked = select(pool)

    difficulties = [q.difficulty for q in picked]
    assert len(picked) == 10
    assert difficulties == sorted(difficulties)


def test_a_bank_smaller_than_a_battle_gives_every_eligible_question_once():
    pool = [question(f"q{n}", difficulty=1 + n % 3) for n in range(6)]
    pool.append(question("mine", author_id="alice"))

    picked = select(pool)

    assert sorted(q.id for q in picked) == [f"q{n}" for n in range(6)]


def test_an_empty_bank_gives_an_empty_battle():
    assert select([]) == []


def test_a_question_listed_twice_in_the_pool_is_played_once():
    pool = [question("twice"), question("twice"), question("once")]

    picked = select(pool)

    assert sorted(q.id for q in picked) == ["once", "twice"]


def test_the_same_seed_gives_the_same_battle():
    assert select(bank(), seed=3) == select(bank(), seed=3)


def test_different_seeds_give_different_battles():
    assert select(bank(), seed=3) != select(bank(), seed=4)


pools = st.lists(
    st.builds(
        question,
        st.sampled_from([f"q{n}" for n in range(40)]),
        category=st.sampled_from(CATEGORIES[:5]),
        difficulty=st.integers(1, 3),
        author_id=st.sampled_from([None, "alice", "bob", "carol"]),
        published=st.booleans(),
    ),
    max_size=60,
)


@given(pool=pools, seen=st.sets(st.sampled_from([f"q{n}" for n in range(40)])), seed=st.integers())
def test_any_pool_gives_as_many_distinct_eligible_questions_as_it_can_in_rising_order(
    pool, seen, seed
):
    eligible = {q.id for q in pool if q.published and q.author_id not in PLAYERS}

    picked = select(pool, seen=seen, seed=seed)

    assert len(picked) == len(ids(picked)) == min(10, len(eligible))
    assert ids(picked) <= eligible
    assert [q.difficulty for q in picked] == sorted(q.difficulty for q in picked)
