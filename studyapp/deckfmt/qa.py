"""Q/A line exports: a title, an optional subtitle, then question lines each followed by answers.

The first line after the header is a question. A formula line may continue it (see
:func:`~studyapp.deckfmt.textshape.formula_continues_prompt`); the next line is its answer,
unless it is itself a question (then the first question had no answer). After an answer
line, a line that looks like a question (``?``, a question or task word such as "Explain",
a ``___`` blank) starts the next card; any other line continues the answer, so multi-line
answers and answers without capitals work.
"""

from __future__ import annotations

from collections.abc import Sequence

from studyapp.deckfmt.cards import DeckBuilder, deck_title
from studyapp.deckfmt.detect import shape
from studyapp.deckfmt.model import ParsedDeck
from studyapp.deckfmt.registry import TextFormat
from studyapp.deckfmt.textshape import formula_continues_prompt, is_formula, is_question


def parse(lines: list[str], source: str, default_name: str) -> ParsedDeck:
    deck = DeckBuilder("qa", source)
    content = [(i + 1, line) for i, line in enumerate(lines) if line.strip()]
    name = default_name
    position = 0
    if content and not is_question(content[0][1]):
        name = deck_title(content[0][1])
        position = 1
        if (
            len(content) > 2
            and not is_question(content[1][1])
            and is_question(content[2][1])
            and len(content[1][1].split()) <= 6
        ):
            name = f"{name} ({content[1][1].strip()})"
            position = 2
    question: list[str] = []
    answer: list[str] = []
    q_line = 0
    previous_number = 0
    for k in range(position, len(content)):
        number, line = content[k]
        text = line.strip()
        blank_before = previous_number and number > previous_number + 1
        previous_number = number
        if not question:
            question, answer, q_line = [line], [], number
        elif not answer:
            following = content[k + 1][1] if k + 1 < len(content) else None
            if is_formula(text) and formula_continues_prompt(" ".join(question), text, following):
                question.append(line)
            elif is_question(text) and not is_formula(text):
                deck.add(question, [], q_line)
                question, q_line = [line], number
            else:
                answer.append(line)
        elif is_question(text) and not is_formula(text):
            deck.add(question, answer, q_line)
            question, answer, q_line = [line], [], number
        else:
            if blank_before:
                answer.append("")
            answer.append(line)
    if question:
        deck.add(question, answer, q_line)
    return deck.finish(name)


def sniff(lines: Sequence[str]) -> float:
    """Many question lines and (almost) no bullets: 0.6."""
    measured = shape(lines)
    if measured.bullet_share <= 0.1 and measured.question_share >= 0.3:
        return 0.6
    return 0.4 * measured.question_share


FORMAT = TextFormat(
    "qa", "a title, a subtitle, then question lines each followed by answer lines", sniff, parse
)
