"""Measured difficulty, medians from one-second bins, and when a question goes back for review."""

from __future__ import annotations

import pytest

from game.question_quality import Z_90, disagrees, measure, median_ms, pull_back_reason, wilson


@pytest.mark.parametrize(("right", "asked"), [(8, 10), (1, 40), (500, 1000), (0, 12)])
def test_each_wilson_bound_is_a_share_whose_score_test_just_passes(right, asked):
    # By definition a bound p satisfies (observed - p)^2 = z^2 p (1 - p) / n.
    observed = right / asked

    for bound in wilson(right, asked):
        assert (observed - bound) ** 2 == pytest.approx(
            Z_90**2 * bound * (1 - bound) / asked, abs=1e-12
        )


def test_a_question_is_not_judged_on_a_few_plays():
    assert measure(3, 9) is None


def test_many_plays_make_the_measure_sure():
    few, many = measure(2, 10), measure(200, 1000)

    assert few is not None and many is not None
    assert few.level == many.level == 3  # 20 % right: hard
    assert not few.sure and many.sure


def test_a_label_disagrees_only_with_a_sure_measure_of_another_level():
    hard = measure(200, 1000)

    assert disagrees(1, hard) and not disagrees(3, hard)
    assert not disagrees(1, measure(2, 10)) and not disagrees(1, None)


@pytest.mark.parametrize(
    ("bins", "median"),
    [
        ([0, 2, 0], 1500),  # both in the second bin: its middle
        ([1, 1, 1, 1], 2000),
        ([0, 0, 0], None),
        ([0, 0, 4], 2500),
    ],
)
def test_the_median_is_interpolated_inside_its_bin(bins, median):
    assert median_ms(bins) == median


@pytest.mark.parametrize(
    ("asked", "right", "reports", "pulled"),
    [
        (40, 20, 3, "reported 3 times in 40 plays (8%)"),
        (100, 50, 3, None),  # 3 % of plays
        (40, 20, 2, None),  # too few reports to act on
        (60, 0, 0, "right 0 times in 60 plays: its answer may be wrong"),
        (20, 0, 0, None),  # too few plays to say
    ],
)
def test_a_question_goes_back_for_review_on_many_reports_or_hopeless_accuracy(
    asked, right, reports, pulled
):
    assert pull_back_reason(asked, right, reports) == pulled
