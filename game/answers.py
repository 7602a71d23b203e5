"""The answer judge: forgive typos and formatting, refuse wrong answers that look alike.

    judge("Sweeden", ["Sweden"]).reason == "1 typo forgiven"
    judge("Iraq", ["Iran"]).reason == "'Iraq' is a different answer"

The rules, in order:
1. Empty, punctuation-only and over-long input is refused at once.
2. Text equal to an accepted answer once normalized (game.normalize) is right; so is the same
   set of words in another order. With `person=True` so are the surname alone and the name
   without its middle names or with the surname first (game.person_names).
3. A given name alone, text equal to a wrong alternative, or to another real name
   (game.entities), is refused.
4. Otherwise each word may differ from the answer's word by a few slips (game.spelling: a
   swap, a letter moved, letters doubled or a run typed twice count as one), scaled by the
   word's length (`typo_budget`); a word with digits in it must be exact, and so must the
   count of whole words.
5. A typo is still refused when it is itself a word in common use or, for a person, a
   common surname (game.words), when it is at least as close to a wrong alternative as to
   the answer, or when it is strictly closer to another well-known name of the answer's kind.
6. A word beyond its budget is still right when it sounds like the answer's word
   (game.spelling.sounds_like), is no word, name or surname the judge knows, and no known
   word that sounds alike is closer to it, nor a wrong alternative as close.

Pure: standard library, rapidfuzz, jellyfish, anyascii and the game modules named above; the
name lists, word frequencies and surnames are read once, on first use or in `warm_up`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

from game.entities import entities
from game.normalize import Form, form, has_digit, normalize, read_form, roman_value
from game.person_names import given_name_last, short_forms, surnames, without_suffix
from game.spelling import Homophones, Words, distance, sounds_like
from game.words import frequencies, is_surname, zipf
from game.words import surnames as listed_surnames

__all__ = ["MAX_ANSWER_LENGTH", "How", "Verdict", "judge", "normalize", "typo_budget"]

MAX_ANSWER_LENGTH = 100
_FAR = 1_000  # a word too far from the answer's word
_CLASH = 2_000  # two numbers that differ
# Words that say what kind of place a name is, which players often add or leave out.
_GENERIC_BEFORE = frozenset(("mount", "lake", "cape"))
_GENERIC_AFTER = frozenset(
    ("river", "desert", "ocean", "sea", "mountains", "mountain", "island", "islands", "lake")
)
_MIN_CORE_LETTERS = 5
# A slip that is itself a common word (Zipf >= 3: once per million words), or a word in use
# (Zipf >= 2.5) at most about three times rarer than the answer's, names something else:
# "Miller" for Müller, "Plank" for Planck. A misspelling is nearly always far rarer.
_COMMON_ZIPF = 3.0
_USED_ZIPF = 2.5
_AS_COMMON_ZIPF = 0.5


class How(StrEnum):
    """How a right answer matched; a refused answer has no `how`."""

    EXACT = "exact"
    NORMALIZED = "normalized"
    ALIAS = "alias"
    TYPO = "typo"
    SURNAME = "surname"
    NUMBER = "number"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The judge's decision and a short reason the game shows both players at the reveal.

    `matched` is the accepted answer the text matched (None when refused), `how` how it
    matched (None when refused), `edits` the typos forgiven.
    """

    correct: bool
    matched: str | None
    how: How | None
    edits: int
    reason: str


def typo_budget(length: int) -> int:
    """Edits forgiven in a word of `length` letters: none up to 4, then about one per 5."""
    return 0 if length <= 4 else 1 if length <= 8 else 2 if length <= 13 else 3


def warm_up() -> None:
    """Read the lists the judge uses now instead of at the first answer (about a second of
    work, most of it indexing 75,000 words by sound): a game process calls it, off its event
    loop, before it takes players."""
    _homophones()  # reads every list: names, word frequencies, surnames


def judge(
    typed: str, accepted: Sequence[str], wrong: Sequence[str] = (), *, person: bool = False
) -> Verdict:
    """Decide whether `typed` names an `accepted` answer (canonical answer first, then aliases).

    `wrong` holds the question's wrong alternatives and any answers it refuses; `person` says
    the answer is a person's name. Never raises for any text.
    """
    if len(typed) > MAX_ANSWER_LENGTH:
        return _refused("answer too long")
    text = read_form(typed)
    if not text.words:
        return _refused("empty answer")
    question = _question(tuple(accepted), tuple(wrong), person)
    same = _same_answer(text, question)
    turned = given_name_last(typed) if person and same is None else None
    if turned is not None:
        text = read_form(turned)  # "Millikan, Robert" is judged as Robert Millikan from here
        same = _same_answer(text, question)
    if same is not None:
        return _accepted(same, typed, 0)
    if text.compact in question.given_names:  # before other names: "Albert" is a prince too
        return _refused("first name alone is not enough")
    other = _other_answer(text.compact, question)
    if other is not None:
        return _refused(f"'{other}' is a different answer")
    target, edits, clash = _closest(text, question)
    if target is None and clash:
        return _refused("numbers must be exact")
    if target is None:
        return _by_ear(typed, text, question)
    word = _word_of_its_own(text, target, question, person) if edits else None
    if word is not None:
        return _refused(f"'{word}' is a different answer")
    rival = _rival(text, target, question, person) if edits else None
    if rival is not None:
        return _refused(f"too close to '{rival}'")
    return _accepted(target, typed, edits)


def _same_answer(text: Form, question: _Question) -> _Target | None:
    """The accepted form the text is once normalized, in any word order, or with a generic
    word such as "River" added ("Amazon River" for Amazon); None when there is none."""
    same = question.by_compact.get(text.compact)
    if same is None and len(text.words) > 1:
        same = question.by_bag.get(_bag(text))
        core = _core(text)
        if same is None and core is not None:
            same = question.by_compact.get(core.compact)
    return same


@dataclass(frozen=True, slots=True)
class _Target:
    """One form the judge accepts: an answer, an alias, or the surname of either."""

    text: str  # the accepted answer as written
    form: Form
    alias: bool
    surname: bool
    budget: int  # typos forgiven over the whole answer when its words do not line up


def _target(text: str, whole: Form, alias: bool, surname: bool) -> _Target:
    budget = sum(typo_budget(len(w)) for w in whole.words if not has_digit(w))
    if len(whole.words) > 1 and len(whole.compact) >= 7:
        budget = max(budget, 1)  # a name of short words still forgives one slip: "Van Gough"
    return _Target(text, whole, alias, surname, budget)


@dataclass(frozen=True, slots=True)
class _Wrong:
    text: str
    compacts: tuple[str, ...]  # the whole answer and, for people, its surnames


@dataclass(frozen=True, slots=True, eq=False)  # one per question (cached): hashed by identity
class _Question:
    targets: tuple[_Target, ...]
    by_compact: dict[str, _Target]
    by_bag: dict[tuple[str, ...], _Target]  # sorted words: the same words in another order
    wrong: tuple[_Wrong, ...]
    ids: frozenset[str]  # names (and entity ids) of the answer itself: never its own look-alike
    kinds: frozenset[str]  # entity lists a look-alike is searched in (see Entities.near)
    given_names: frozenset[str]


@lru_cache(maxsize=4096)
def _question(accepted: tuple[str, ...], wrong: tuple[str, ...], person: bool) -> _Question:
    """Everything about a question's answers that does not depend on the typed text."""
    wrongs = tuple(_Wrong(w, _compacts(form(w), person)) for w in wrong if form(w).words)
    wrong_compacts = {c for w in wrongs for c in w.compacts}
    targets: list[_Target] = []
    given_names: set[str] = set()
    for position, answer in enumerate(accepted):
        whole = form(answer)
        if not whole.words:
            continue
        targets.append(_target(answer, whole, position > 0, False))
        core = _core(whole, _MIN_CORE_LETTERS)
        if core is not None and core.compact not in wrong_compacts:  # "Kilimanjaro"
            targets.append(_target(answer, core, position > 0, False))
        if person and len(whole.words) > 1:
            given_names.add(whole.words[0])
            bare = without_suffix(whole)
            if bare != whole:  # "Martin Luther King" for Martin Luther King Jr.
                targets.append(_target(answer, bare, position > 0, False))
            targets.extend(
                _target(answer, short, position > 0, False) for short in short_forms(whole)
            )
            targets.extend(
                _target(answer, surname, position > 0, True)
                for surname in surnames(whole)
                if surname.compact not in wrong_compacts  # "Williams" for Venus, not Serena
            )
    by_compact: dict[str, _Target] = {}
    by_bag: dict[tuple[str, ...], _Target] = {}
    for target in targets:
        by_compact.setdefault(target.form.compact, target)
        by_bag.setdefault(_bag(target.form), target)
    index = entities()
    ids = {t.form.compact for t in targets}
    ids |= {i for c in list(ids) for i in index.ids.get(c, ())}
    kinds = {k for t in targets for k in index.kinds.get(t.form.compact, ())}
    if person:
        kinds.add("people")
    return _Question(
        targets=tuple(targets),
        by_compact=by_compact,
        by_bag=by_bag,
        wrong=wrongs,
        ids=frozenset(ids),
        kinds=frozenset(kinds & index.all_kinds),  # none known: the hand-written lists
        given_names=frozenset(given_names - ids),
    )


def _core(whole: Form, min_letters: int = 1) -> Form | None:
    """The name without a generic geographic word before or after it ("Mount Kilimanjaro",
    "Amazon River", "Sahara Desert"), or None. Taken from an answer, a core must keep some
    length (`min_letters`): "Red" alone does not name the Red Sea."""
    words = whole.words
    if len(words) > 1 and words[0] in _GENERIC_BEFORE:
        words = words[1:]
    if len(words) > 1 and words[-1] in _GENERIC_AFTER:
        words = words[:-1]
    if words == whole.words or len("".join(words)) < min_letters:
        return None
    return Form.of(words)


def _compacts(whole: Form, person: bool) -> tuple[str, ...]:
    names = surnames(whole) if person else []
    return (whole.compact, *(s.compact for s in names))


def _bag(text: Form) -> tuple[str, ...]:
    return tuple(sorted(text.words))


def _other_answer(compact: str, question: _Question) -> str | None:
    """The wrong alternative or well-known name the text is exactly, if any."""
    for wrong in question.wrong:
        if compact in wrong.compacts:
            return wrong.text
    index = entities()
    ids = index.ids.get(compact)
    if ids and not ids & question.ids:
        return index.names[compact]
    return None


def _closest(text: Form, question: _Question) -> tuple[_Target | None, int, bool]:
    """The accepted form within the typo budget with fewest edits, its edits, and whether
    some form failed only because a number differed."""
    best: _Target | None = None
    best_edits = _FAR
    clash = False
    for target in question.targets:
        edits = _edits(text, target)
        clash = clash or edits == _CLASH
        if edits < best_edits:
            best, best_edits = target, edits
    return best, best_edits, clash


def _edits(text: Form, target: _Target) -> int:
    """Typos between `text` and `answer`, word by word, else over the letters without spaces
    (so "newyrok" is judged against "newyork"); _FAR or _CLASH when not within the budget."""
    answer = target.form
    if len(text.words) == len(answer.words):
        total = 0
        for typed_word, answer_word in zip(text.words, answer.words, strict=True):
            edits = _word_edits(typed_word, answer_word)
            if edits >= _FAR:
                break
            total += edits
        else:
            return total
        if edits == _CLASH:
            return _CLASH
        if typo_budget(len(answer_word)) and answer_word.isalpha() and typed_word.isalpha():
            # A word long enough for typos of its own that still misses is another word:
            # "Robert Mulliken" is not Robert Millikan. Only short words lean on the whole.
            return _FAR
    elif _one_adds_words(text.words, answer.words):
        return _FAR  # "Washington DC" is not Washington, nor "John William" John Williams
    if text.numbers != answer.numbers:
        return _CLASH if text.numbers and answer.numbers else _FAR
    if abs(len(text.compact) - len(answer.compact)) > target.budget:
        return _FAR
    edits = distance(text.compact, answer.compact, target.budget)
    return edits if edits <= target.budget else _FAR


def _one_adds_words(typed: tuple[str, ...], answer: tuple[str, ...]) -> bool:
    """Whether one holds every word of the other, in order, and whole words more."""
    shorter, longer = (typed, answer) if len(typed) < len(answer) else (answer, typed)
    rest = iter(longer)
    return all(word in rest for word in shorter)


def _word_edits(typed: str, answer: str) -> int:
    if typed == answer:
        return 0
    if not (typed.isalpha() and answer.isalpha()):  # a number on either side
        typed_number, answer_number = _number(typed), _number(answer)
        if typed_number is None or answer_number is None:
            return _FAR
        return 0 if typed_number == answer_number else _CLASH
    budget = typo_budget(len(answer))
    if budget == 0:
        return _FAR  # a short word must be exact
    edits = distance(typed, answer, budget)
    return edits if edits <= budget else _FAR


def _number(word: str) -> str | None:
    """A word read as a number: digits as they are, a Roman numeral in any case ("viii")."""
    if word.replace(".", "", 1).isdigit():
        return word
    value = roman_value(word)
    return None if value is None else str(value)


def _word_of_its_own(text: Form, target: _Target, question: _Question, person: bool) -> str | None:
    """The typed word, capitalised, when it is a slip from the answer's word that is itself a
    common word or name ("Miller" for Müller, "Plank" for Planck) or, for a person, a common
    surname ("Pickens" for Dickens), unless it is another spelling of the answer, or its
    plural when the answer is not a person."""
    index = entities()
    if len(text.words) == 1 and len(target.form.words) == 1:
        typed, answer = text.compact, target.form.compact
        plural = typed in (answer + "s", answer + "es") or answer in (typed + "s", typed + "es")
        if (plural and not person) or index.ids.get(typed, frozenset()) & question.ids:
            return None  # "Stalagmites"; "Marseilles" for Marseille
    elif person and len(text.words) == 2 and not target.surname:
        if _word_edits(text.words[0], target.form.words[0]) >= _FAR:
            return None  # not the answer's given name: another form of the name matched
        typed, answer = text.words[1], without_suffix(target.form).words[-1]  # "Paul Miller"
    else:
        return None
    used = zipf(typed)
    common = used >= _COMMON_ZIPF or used >= max(_USED_ZIPF, zipf(answer) - _AS_COMMON_ZIPF)
    if person:  # "Pickens" for Dickens, "Bob Manley" for Bob Marley: another family's name
        common = common or is_surname(typed)
    return typed.capitalize() if common and typed != answer else None


def _rival(text: Form, target: _Target, question: _Question, person: bool) -> str | None:
    """A wrong alternative at least as close to the text as the answer it matched, or a
    well-known name of the answer's kind closer still, if any."""
    probes = [(text.compact, target.form.compact)]
    if person and len(text.words) > 1 and not target.surname:
        # "Claude Manet" for Claude Monet: the surname alone decides.
        probes.append((text.words[-1], without_suffix(target.form).words[-1]))
    index = entities()
    for typed, answer in probes:
        limit = distance(typed, answer)
        if limit == 0 or index.ids.get(typed, frozenset()) & question.ids:
            continue  # the same thing, or another spelling of it ("Cesium" for Caesium)
        for wrong_text, compact in _wrongs_near(question, answer, limit):
            if distance(typed, compact, limit) <= limit:
                return wrong_text
        # Another well-known name must be strictly closer: a slip halfway between the answer
        # and a rival ("Polland") is given the benefit of the doubt, unlike a listed wrong one.
        closer = limit - 1
        if closer == 0:
            # Only another name typed exactly is closer ("Manet" in "Claude Manet").
            kinds = index.kinds.get(typed, frozenset())
            if kinds & question.kinds and not index.ids[typed] & question.ids:
                return index.names[typed]
            continue
        names = _names_near(answer, limit, question.kinds, question.ids)
        nearer = names.within(typed, closer)
        if nearer:
            return index.names[nearer[0]]
    return None


@lru_cache(maxsize=16384)
def _wrongs_near(question: _Question, answer: str, limit: int) -> tuple[tuple[str, str], ...]:
    """The wrong alternatives (text, compact form) a text within `limit` edits of `answer`
    could be as close to; as in `_names_near`, the far ones are left out once per answer."""
    reach = 2 * limit + 1
    return tuple(
        (wrong.text, compact)
        for wrong in question.wrong
        for compact in wrong.compacts
        if distance(answer, compact, reach) <= reach
    )


@lru_cache(maxsize=16384)
def _names_near(answer: str, limit: int, kinds: frozenset[str], ids: frozenset[str]) -> Words:
    """Other well-known names a text within `limit` edits of `answer` could be as close to,
    prepared to measure each typed text against all of them at once.

    Such a name lies within 2 * `limit` edits of the answer (the triangle inequality), so the
    lists are scanned once per answer and each typed text is measured against the few found.
    The scan allows for a swap costing two Levenshtein edits and a doubled letter one more.
    """
    index = entities()
    return Words(
        name
        for name in index.near(answer, kinds, 4 * limit + 1)
        if not index.ids[name] & ids and distance(answer, name, 2 * limit + 1) <= 2 * limit + 1
    )


_Misspelt = tuple[str, str, int]  # a typed word, the answer's word it misspells, the slips


def _by_ear(typed: str, text: Form, question: _Question) -> Verdict:
    """The verdict on a text beyond every typo budget: right when its misspelt words still
    sound like the answer's (game.spelling) and are no known word or name themselves, nor
    sound like another one closer to them, and the text is no closer to a wrong alternative.
    Unlike a typo, it is not measured against every name of the answer's kind: a few slips
    out from a short name there are thousands, and the sound already tells them apart."""
    heard = [found for target in question.targets if (found := _heard(text, target))]
    if not heard:
        return _refused("not the answer")
    target, edits, misspelt = min(heard, key=lambda found: found[1])
    for typed_word, answer_word, slips in misspelt:
        if _known(typed_word):
            return _refused(f"'{typed_word.capitalize()}' is a different answer")
        other = _sounds_like_another(typed_word, answer_word, slips, question)
        if other is not None:
            return _refused(f"too close to '{other}'")
    limit = distance(text.compact, target.form.compact)
    for wrong_text, compact in _wrongs_near(question, target.form.compact, limit):
        if distance(text.compact, compact, limit) <= limit:
            return _refused(f"too close to '{wrong_text}'")
    return _accepted(target, typed, edits, by_ear=True)


def _heard(text: Form, target: _Target) -> tuple[_Target, int, list[_Misspelt]] | None:
    """The target, the slips and the words misspelt by sound, when every word of the text is
    the target's within its typo budget or by sound; else None."""
    answer = target.form
    if len(answer.words) != len(text.words) or not (answer.compact + text.compact).isalpha():
        return None
    total, misspelt = 0, []
    for typed_word, answer_word in zip(text.words, answer.words, strict=True):
        # A word alone already missed its budget in _closest: only a longer name's may not.
        edits = _word_edits(typed_word, answer_word) if len(answer.words) > 1 else _FAR
        if edits >= _FAR:
            if not sounds_like(typed_word, answer_word, typo_budget(len(answer_word))):
                return None
            edits = distance(typed_word, answer_word)
            misspelt.append((typed_word, answer_word, edits))
        total += edits
    return (target, total, misspelt) if misspelt else None


def _known(word: str) -> bool:
    """Whether a compact word is a word in use, a well-known name or a common surname."""
    return zipf(word) > 0 or word in entities().names or is_surname(word)


def _sounds_like_another(typed: str, answer: str, edits: int, question: _Question) -> str | None:
    """Another known word or name that sounds like `typed` and is fewer slips from it than
    `answer` (`edits` away), if any; the answer's other spellings and plural do not count."""
    index = entities()
    forms = {answer, answer + "s", answer + "es", answer.removesuffix("s")}
    for other in _homophones().near(typed, edits - 1):
        if other not in forms and not index.ids.get(other, frozenset()) & question.ids:
            return index.names.get(other, other.capitalize())
    return None


@cache
def _homophones() -> Homophones:
    """Every word, name and surname the judge knows, by how it sounds."""
    return Homophones({*frequencies(), *entities().names, *listed_surnames()})


def _accepted(target: _Target, typed: str, edits: int, *, by_ear: bool = False) -> Verdict:
    if target.surname:
        how = How.SURNAME
        slips = "spelt as it sounds" if by_ear else f"{_typos(edits)} forgiven"
        reason = "surname is enough" + (f", {slips}" if edits else "")
    elif by_ear:
        how, reason = How.TYPO, "spelt as it sounds"
    elif edits:
        how, reason = How.TYPO, f"{_typos(edits)} forgiven"
    elif target.alias:
        how, reason = How.ALIAS, f"accepted as '{target.text}'"
    elif typed.strip() == target.text:
        how, reason = How.EXACT, "exact"
    elif all(has_digit(w) for w in target.form.words):
        how, reason = How.NUMBER, "same number"
    else:
        how, reason = How.NORMALIZED, "same answer, written differently"
    return _verdict(True, target.text, how, edits, reason)


def _typos(edits: int) -> str:
    return "1 typo" if edits == 1 else f"{edits} typos"


def _refused(reason: str) -> Verdict:
    return _verdict(False, None, None, 0, reason)


# Verdicts are immutable and few: sharing them spares building a dataclass on every call.
_verdict = lru_cache(maxsize=4096)(Verdict)
