"""Whether a text a player typed should become one more accepted answer, or looks like another
answer altogether: a wrong choice of the question, a text it refuses on purpose, the answer to
another question, or the name of something else. Moderators see the warning before they accept;
accepting is never the default.
"""

from __future__ import annotations

from collections.abc import Iterable

from game.entities import entities
from game.normalize import form, normalize
from game.questions import Question


class AnswerIndex:
    """Every accepted answer of the bank, normalized, to the question that accepts it."""

    def __init__(self, bank: Iterable[Question]) -> None:
        self._answers = {normalize(text): q.id for q in bank for text in q.accepted}

    def warning(self, typed: str, question: Question) -> str:
        """Why accepting `typed` for `question` would likely be wrong, or "" if nothing says so."""
        key = normalize(typed)
        if key in {normalize(text) for text in question.wrong}:
            return "It is one of this question's wrong choices."
        if key in {normalize(text) for text in question.refused}:
            return "The question already refuses it on purpose."
        other = self._answers.get(key)
        if other is not None and other != question.id:
            return "It is the answer to another question."
        known = entities()
        compact = form(key).compact
        things = known.ids.get(compact, frozenset())
        answered = {
            thing
            for text in question.accepted
            for thing in known.ids.get(form(text).compact, {form(text).compact})
        }
        if things and not things & answered:
            return f"“{known.names[compact]}” is the name of something else."
        return ""
