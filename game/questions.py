"""The question as the rules see it: one value shared by the bank files, the store and battles.

Imports nothing outside the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CATEGORIES: tuple[str, ...] = (
    "geography",
    "history",
    "science",
    "nature",
    "space",
    "sport",
    "film-tv",
    "music",
    "art-literature",
    "food-drink",
    "technology",
    "language-words",
)

# What players read for each category; the slugs above are for files, URLs and the store.
CATEGORY_NAMES: dict[str, str] = {
    "geography": "Geography",
    "history": "History",
    "science": "Science",
    "nature": "Nature",
    "space": "Space",
    "sport": "Sport",
    "film-tv": "Film & TV",
    "music": "Music",
    "art-literature": "Art & literature",
    "food-drink": "Food & drink",
    "technology": "Technology",
    "language-words": "Language & words",
}

DIFFICULTIES: tuple[int, ...] = (1, 2, 3)


class QuestionFormatError(ValueError):
    """A question record is missing a field or has one of the wrong type."""


@dataclass(frozen=True, slots=True)
class Question:
    """One quiz question.

    `answer` is the canonical answer; `aliases` are other answers a fair player may type;
    `wrong` holds exactly three wrong alternatives of the same kind as the answer;
    `refused` holds further answers the judge must never accept for this question.
    """

    id: str
    category: str
    difficulty: int
    text: str
    answer: str
    wrong: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    person: bool = False
    did_you_know: str = ""
    author_id: str | None = None
    published: bool = True
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def accepted(self) -> tuple[str, ...]:
        """The canonical answer first, then the aliases: what the judge accepts."""
        return (self.answer, *self.aliases)

    @property
    def alternatives(self) -> tuple[str, ...]:
        """The four choices shown when a player asks for them, in canonical order."""
        return (self.answer, *self.wrong)

    def to_dict(self) -> dict[str, Any]:
        """The bank-file form: plain JSON types, empty optional fields left out."""
        record: dict[str, Any] = {
            "id": self.id,
            "category": self.category,
            "difficulty": self.difficulty,
            "text": self.text,
            "answer": self.answer,
            "aliases": list(self.aliases),
            "wrong": list(self.wrong),
        }
        if self.refused:
            record["refused"] = list(self.refused)
        if self.person:
            record["person"] = True
        if self.did_you_know:
            record["did_you_know"] = self.did_you_know
        if self.author_id is not None:
            record["author_id"] = self.author_id
        if not self.published:
            record["published"] = False
        return record

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Question:
        """Build a question from its bank-file form.

        Raises QuestionFormatError when a required field is missing or has the wrong type;
        content rules (lengths, duplicates, judge checks) belong to the bank checker.
        """
        try:
            question = cls(
                id=_text(record, "id"),
                category=_text(record, "category"),
                difficulty=int(record["difficulty"]),
                text=_text(record, "text"),
                answer=_text(record, "answer"),
                wrong=_texts(record, "wrong"),
                aliases=_texts(record, "aliases"),
                refused=_texts(record, "refused"),
                person=bool(record.get("person", False)),
                did_you_know=str(record.get("did_you_know", "") or ""),
                author_id=record.get("author_id"),
                published=bool(record.get("published", True)),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise QuestionFormatError(f"question {record.get('id')!r}: {error}") from error
        return question


def _text(record: dict[str, Any], key: str) -> str:
    value = record[key]
    if not isinstance(value, str) or not value.strip():
        raise QuestionFormatError(f"{key} must be a non-empty string")
    return value


def _texts(record: dict[str, Any], key: str) -> tuple[str, ...]:
    values = record.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise QuestionFormatError(f"{key} must be a list of strings")
    return tuple(values)
