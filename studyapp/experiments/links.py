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

A linked card also suggests *settings* for the experiment (:func:`suggested_settings`):
the phrases of ``ExperimentSpec.suggestions`` matched the same way (a card about the grid
of 25 Gaussians runs ``data=grid25``), then the card's explicit settings from its deck file
(``experiments: mode-collapse(data=grid25, steps=3000)``) on top.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.base import ExperimentSpec, Param, ParamValue

NO_LINKS = frozenset({"none", "-"})
"""An explicit link list made of one of these words means: no experiment at all."""

_IMAGE_PLACEHOLDER = re.compile(r"\(\s*see\s+image\s*\)", re.IGNORECASE)
_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_SETTING_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")
_SETTING_VALUE = re.compile(r"^[A-Za-z0-9_.+-]+$")
RUN_SETTINGS = ("steps", "seed")
"""Settings of a run besides the experiment's parameters."""


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


def concept_names(spec: ExperimentSpec) -> list[str]:
    """The concepts a person reads: the phrases without vetoes and ``@`` context."""
    names: list[str] = []
    for concept in spec.concepts:
        if concept.strip().startswith("!"):
            continue
        name = concept.partition("@")[0].strip()
        if name and name not in names:
            names.append(name)
    return names


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


# -- suggested settings -----------------------------------------------------------------


def parse_settings(text: str) -> dict[str, str]:
    """``key=value, key=value`` as a dict; ValueError saying what is wrong."""
    settings: dict[str, str] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        key, sep, value = (part.strip() for part in item.partition("="))
        if not sep or not _SETTING_KEY.match(key) or not _SETTING_VALUE.match(value):
            raise ValueError(f"bad setting {item.strip()!r} (write key=value, key=value)")
        settings[key] = value
    return settings


def format_settings(settings: Mapping[str, object]) -> str:
    """``data=grid25, steps=3000``: settings as a deck file writes them."""
    return ", ".join(f"{key}={value}" for key, value in settings.items())


def describe_link(experiment_id: str, settings: Mapping[str, object] | None) -> str:
    """``mode-collapse (data=grid25)``, or the bare id without settings."""
    return f"{experiment_id} ({format_settings(settings)})" if settings else experiment_id


def _setting_param(spec: ExperimentSpec, name: str) -> Param:
    from models.base import Param

    if name == "steps":
        return Param("steps", spec.default_steps, "training steps", 1, spec.max_steps)
    if name == "seed":
        return Param("seed", 0, "random seed", 0, 2**31 - 1)
    return spec.param(name)


def _spec(experiment_id: str, specs: Iterable[ExperimentSpec] | None) -> ExperimentSpec | None:
    return next(
        (s for s in (_all_specs() if specs is None else specs) if s.id == experiment_id), None
    )


def check_settings(
    experiment_id: str,
    settings: Mapping[str, str],
    specs: Iterable[ExperimentSpec] | None = None,
) -> tuple[dict[str, str], list[str]]:
    """The valid part of ``settings`` and one message per invalid setting (unknown name,
    value of the wrong type or out of range), checked like ``ExperimentSpec.resolve``."""
    from models.base import ParamError

    spec = _spec(experiment_id, specs)
    if spec is None:
        return {}, [f"settings for unknown experiment {experiment_id!r}"] if settings else []
    names = [*(p.name for p in spec.params), *RUN_SETTINGS]
    valid: dict[str, str] = {}
    problems: list[str] = []
    for name, raw in settings.items():
        if name not in names:
            problems.append(
                f"{experiment_id}: unknown setting {name!r} (valid: {', '.join(names)})"
            )
            continue
        try:
            _setting_param(spec, name).coerce(raw)
        except ParamError as error:
            problems.append(f"{experiment_id}: {error}")
            continue
        valid[name] = str(raw)
    return valid, problems


def typed_settings(
    experiment_id: str, settings: Mapping[str, str], specs: Iterable[ExperimentSpec] | None = None
) -> dict[str, ParamValue]:
    """Valid settings converted to their types (``steps=3000`` -> 3000), for the UI's form."""
    spec = _spec(experiment_id, specs)
    if spec is None:
        return {}
    valid, _ = check_settings(experiment_id, settings, (spec,))
    return {name: _setting_param(spec, name).coerce(raw) for name, raw in valid.items()}


@dataclass(frozen=True)
class _Suggestion:
    experiment: str
    rule: _Rule
    settings: tuple[tuple[str, str], ...]


@cache
def _suggestions_for(specs: tuple[ExperimentSpec, ...]) -> tuple[_Suggestion, ...]:
    found = []
    for spec in specs:
        for phrase, text in spec.suggestions:
            rule = _compile(spec.id, phrase)
            if rule is not None:
                found.append(_Suggestion(spec.id, rule, tuple(parse_settings(text).items())))
    return tuple(found)


def suggested_settings(
    experiment_id: str,
    front: str,
    back: str,
    explicit: Mapping[str, str] | None = None,
    specs: Iterable[ExperimentSpec] | None = None,
) -> dict[str, str]:
    """The settings a card suggests for one of its experiments: every matching phrase of
    the spec's ``suggestions`` (in order, later ones win), then ``explicit`` on top."""
    spec_tuple = _all_specs() if specs is None else tuple(specs)
    whole = normalise(front) + normalise(back)
    settings: dict[str, str] = {}
    for suggestion in _suggestions_for(spec_tuple):
        rule = suggestion.rule
        if suggestion.experiment != experiment_id or not rule.pattern.search(whole):
            continue
        if rule.context and not any(c.search(whole) for c in rule.context):
            continue
        settings.update(suggestion.settings)
    settings.update(explicit or {})
    return settings


def card_suggestions(
    experiments: Iterable[str],
    front: str,
    back: str,
    explicit: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, dict[str, str]]:
    """:func:`suggested_settings` of each linked experiment (empty dicts included)."""
    explicit = explicit or {}
    return {e: suggested_settings(e, front, back, explicit.get(e)) for e in experiments}
