"""Link flashcards to the experiments that show their concept. No Textual, no torch.

Every experiment declares the phrases of its concept (``ExperimentSpec.concepts``). A card
links to an experiment when one of those phrases occurs in the card's text, compared
case-insensitively on whole words after normalisation:

- punctuation, hyphens, slashes and LaTeX backslashes count as spaces, apostrophes vanish
  ("earth mover's" = "earth movers", "mode-collapse" = "mode collapse"), British
  "-isation" reads as "-ization";
- the last word of a phrase may take a plural "s" or "es" ("vanishing gradient" matches
  "vanishing gradients"), never any other suffix ("GAN" does not match "WGAN" or "gang");
- placeholders for answers that were images, "(See image)", are ignored;
- a phrase written with a leading ``!`` is a *veto*: a card containing it never links to
  that experiment (e.g. ``"!kl loss function in gans"`` keeps a WGAN card off the VAE's
  KL experiment), and phrases after ``@`` require context: ``"kl divergence @ vae"``
  matches only cards that also mention "vae".

Linked experiments are ranked: phrases found in the question count twice as much as in
the answer, and longer phrases beat shorter ones, so the first id is the one a "run
experiment" key should open. Explicit links from a deck file override all of this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.base import ExperimentSpec

NO_LINKS = frozenset({"none", "-"})
"""An explicit link list made of one of these words means: no experiment at all."""

_IMAGE_PLACEHOLDER = re.compile(r"\(\s*see\s+image\s*\)", re.IGNORECASE)
_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


class UnknownExperimentError(ValueError):
    """An explicit link names no known experiment; the message lists the valid ids."""


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, padded with one space on each side."""
    text = _IMAGE_PLACEHOLDER.sub(" ", text).lower()
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text)
    text = re.sub(r"isation\b", "ization", text)
    text = re.sub(r"\bisations\b", "izations", text)
    return f" {text.strip()} "


@dataclass(frozen=True)
class _Rule:
    """One compiled concept phrase of one experiment."""

    experiment: str
    pattern: re.Pattern[str]
    weight: int
    veto: bool
    context: tuple[re.Pattern[str], ...]


def _phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    words = normalise(phrase).split()
    if not words:
        return None
    body = r"\s".join(re.escape(w) for w in words)
    return re.compile(rf"(?<=\s){body}(?:s|es)?(?=\s)")


def _compile(spec_id: str, concept: str) -> _Rule | None:
    raw = concept.strip()
    veto = raw.startswith("!")
    raw = raw.lstrip("!")
    phrase, _, context = raw.partition("@")
    pattern = _phrase_pattern(phrase)
    if pattern is None:
        return None
    contexts = tuple(
        p for p in (_phrase_pattern(c) for c in context.split(",") if c.strip()) if p is not None
    )
    weight = len(normalise(phrase).strip())
    return _Rule(spec_id, pattern, weight, veto, contexts)


@cache
def _rules_for(specs: tuple[ExperimentSpec, ...]) -> tuple[_Rule, ...]:
    rules = []
    for spec in specs:
        for concept in spec.concepts:
            rule = _compile(spec.id, concept)
            if rule is not None:
                rules.append(rule)
    return tuple(rules)


def _all_specs() -> tuple[ExperimentSpec, ...]:
    import models

    return models.all_specs()


def experiment_ids(specs: Iterable[ExperimentSpec] | None = None) -> list[str]:
    """The ids of every known experiment."""
    return [s.id for s in (_all_specs() if specs is None else specs)]


def check_explicit(
    explicit: Sequence[str], specs: Iterable[ExperimentSpec] | None = None
) -> list[str]:
    """Explicit links, de-duplicated; raises UnknownExperimentError for unknown ids."""
    wanted = [e.strip() for e in explicit if e.strip()]
    if any(e.lower() in NO_LINKS for e in wanted):
        return []
    known = experiment_ids(specs)
    unknown = [e for e in wanted if e not in known]
    if unknown:
        raise UnknownExperimentError(
            f"unknown experiment {unknown[0]!r}; valid: {', '.join(known) or 'none'}"
        )
    return list(dict.fromkeys(wanted))


def experiments_for(
    front: str,
    back: str,
    explicit: Sequence[str] = (),
    specs: Iterable[ExperimentSpec] | None = None,
) -> list[str]:
    """The ids of the experiments that show the concept of a card, best first.

    ``explicit`` (links written in the deck file) wins when given: the word ``none``
    there means no link. ``specs`` defaults to every experiment in ``models``.
    """
    spec_tuple = _all_specs() if specs is None else tuple(specs)
    if explicit:
        return check_explicit(explicit, spec_tuple)
    question, answer = normalise(front), normalise(back)
    whole = question + answer
    scores: dict[str, int] = {}
    vetoed: set[str] = set()
    for rule in _rules_for(spec_tuple):
        if rule.veto:
            if rule.pattern.search(whole):
                vetoed.add(rule.experiment)
            continue
        if rule.context and not any(c.search(whole) for c in rule.context):
            continue
        score = 2 * rule.weight * len(rule.pattern.findall(question))
        score += rule.weight * len(rule.pattern.findall(answer))
        if score:
            scores[rule.experiment] = scores.get(rule.experiment, 0) + score
    order = {s.id: i for i, s in enumerate(spec_tuple)}
    linked = [e for e in scores if e not in vetoed]
    return sorted(linked, key=lambda e: (-scores[e], order[e]))
