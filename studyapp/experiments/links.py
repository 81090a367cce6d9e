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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.base import ExperimentSpec, Param, ParamValue

NO_LINKS = frozenset({"none", "-"})
"""An explicit link list made of one of these words means: no experiment at all."""

_IMAGE_PLACEHOLDER = re.compile(r"\(\s*see\s+image\s*\)", re.IGNORECASE)
_SETTING_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")
_SETTING_VALUE = re.compile(r"^[A-Za-z0-9_.+-]+$")
RUN_SETTINGS = ("steps", "seed")
"""Settings of a run besides the experiment's parameters."""


class UnknownExperimentError(ValueError):
    """An explicit link names no known experiment; the message lists the valid ids."""


_DROP_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018`")
_ISATION = re.compile(r"isation(?=s?\b)")
_WORD = re.compile(r"[a-z0-9]+")


def words_of(text: str) -> list[str]:
    """The normalised words of ``text`` (see :func:`normalise`), found in one pass."""
    if "(" in text:
        text = _IMAGE_PLACEHOLDER.sub(" ", text)
    text = text.lower()
    if "'" in text or "\u2019" in text or "\u2018" in text or "`" in text:
        text = text.translate(_DROP_APOSTROPHES)
    if "isation" in text:
        text = _ISATION.sub("ization", text)  # "-isation(s)" reads "-ization(s)"
    return _WORD.findall(text)


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, padded with one space on each side."""
    return f" {' '.join(words_of(text))} "


@dataclass(frozen=True)
class _Rule:
    """One concept phrase of one experiment: ``phrase`` and ``context`` index phrases."""

    experiment: str
    phrase: int
    weight: int
    veto: bool
    context: tuple[int, ...]


class _PhraseIndex:
    """Every phrase, found in one pass over a text's words (linear in the words).

    A phrase is a tuple of normalised words whose last word may take a plural "s" or "es";
    phrases are indexed by their first word (all three forms for a one-word phrase), so a
    card costs one dictionary look-up per word, not one regex search per phrase. Counts
    match ``re.findall`` of the phrase: non-overlapping, left to right.
    """

    def __init__(self) -> None:
        self.phrases: list[tuple[str, ...]] = []
        self._ids: dict[tuple[str, ...], int] = {}
        self._by_first: dict[str, list[int]] = {}

    def add(self, text: str) -> int | None:
        words = tuple(normalise(text).split())
        if not words:
            return None
        known = self._ids.get(words)
        if known is not None:
            return known
        index = len(self.phrases)
        self.phrases.append(words)
        self._ids[words] = index
        firsts = _forms(words[0]) if len(words) == 1 else (words[0],)
        for first in firsts:
            self._by_first.setdefault(first, []).append(index)
        return index

    def count(self, normalised: str) -> dict[int, int]:
        """``{phrase: occurrences}`` in a :func:`normalise`-d text."""
        return self.count_words(normalised.split())

    def count_words(self, words: list[str]) -> dict[int, int]:
        """``{phrase: occurrences}`` in a text's :func:`words_of`."""
        by_first, phrases = self._by_first, self.phrases
        hits = by_first.keys() & words  # most cards hold no phrase's first word
        if not hits:
            return {}
        counts: dict[int, int] = {}
        free_from: dict[int, int] = {}
        for i, word in enumerate(words):
            if word not in hits:
                continue
            candidates = by_first[word]
            for index in candidates:
                phrase = phrases[index]
                size = len(phrase)
                if i < free_from.get(index, 0) or i + size > len(words):
                    continue
                if size > 1 and (
                    words[i + 1 : i + size - 1] != list(phrase[1:-1])
                    or words[i + size - 1] not in _forms(phrase[-1])
                ):
                    continue
                counts[index] = counts.get(index, 0) + 1
                free_from[index] = i + size
        return counts


def _forms(word: str) -> tuple[str, str, str]:
    return (word, word + "s", word + "es")


@dataclass(frozen=True)
class _Linker:
    """The compiled concepts and suggestions of a set of specs."""

    index: _PhraseIndex
    rules: tuple[_Rule, ...]
    suggestions: tuple[_Suggestion, ...]
    order: dict[str, int]
    by_phrase: dict[int, tuple[_Rule, ...]]
    """The rules of each phrase, so a card costs its found phrases, not every rule."""


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


def _compile(index: _PhraseIndex, spec_id: str, concept: str) -> _Rule | None:
    raw = concept.strip()
    veto = raw.startswith("!")
    raw = raw.lstrip("!")
    phrase, _, context = raw.partition("@")
    found = index.add(phrase)
    if found is None:
        return None
    contexts = tuple(
        c for c in (index.add(part) for part in context.split(",") if part.strip()) if c is not None
    )
    weight = len(normalise(phrase).strip())
    return _Rule(spec_id, found, weight, veto, contexts)


_LINKERS: dict[tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], ...], _Linker] = {}


def _linker(specs: tuple[ExperimentSpec, ...]) -> _Linker:
    key = tuple((s.id, tuple(s.concepts), tuple(s.suggestions)) for s in specs)
    linker = _LINKERS.get(key)
    if linker is None:
        index = _PhraseIndex()
        rules = []
        suggestions = []
        for spec in specs:
            for concept in spec.concepts:
                rule = _compile(index, spec.id, concept)
                if rule is not None:
                    rules.append(rule)
            for phrase, text in spec.suggestions:
                rule = _compile(index, spec.id, phrase)
                if rule is not None:
                    settings = tuple(parse_settings(text).items())
                    suggestions.append(_Suggestion(spec.id, rule, settings))
        order = {s.id: i for i, s in enumerate(specs)}
        by_phrase: dict[int, list[_Rule]] = {}
        for rule in rules:
            by_phrase.setdefault(rule.phrase, []).append(rule)
        frozen = {phrase: tuple(found) for phrase, found in by_phrase.items()}
        linker = _Linker(index, tuple(rules), tuple(suggestions), order, frozen)
        _LINKERS[key] = linker
    _LAST_LINKER[:] = [specs, linker]
    return linker


_LAST_LINKER: list[object] = []
"""``[specs, linker]`` of the last call: the same tuple again skips building the key."""


def _cached_linker(specs: tuple[ExperimentSpec, ...]) -> _Linker:
    if _LAST_LINKER and _LAST_LINKER[0] is specs:
        linker = _LAST_LINKER[1]
        assert isinstance(linker, _Linker)
        return linker
    return _linker(specs)


_SPECS: list[object] = []
"""``[models.all_specs, its result]``: discovery scans the package once, not once a card."""


def _all_specs() -> tuple[ExperimentSpec, ...]:
    import models

    finder = models.all_specs
    if not _SPECS or _SPECS[0] is not finder:  # a test may swap the function
        _SPECS[:] = [finder, finder()]
    found = _SPECS[1]
    assert isinstance(found, tuple)
    return found


def experiment_ids(specs: Iterable[ExperimentSpec] | None = None) -> list[str]:
    """The ids of every known experiment."""
    return [s.id for s in (_all_specs() if specs is None else specs)]


def check_explicit(
    explicit: Sequence[str], specs: Iterable[ExperimentSpec] | None = None
) -> list[str]:
    """Explicit links, de-duplicated; raises UnknownExperimentError for unknown ids."""
    linked, problems = split_explicit(explicit, specs)
    if problems:
        raise UnknownExperimentError(problems[0])
    return linked


def split_explicit(
    explicit: Sequence[str], specs: Iterable[ExperimentSpec] | None = None
) -> tuple[list[str], list[str]]:
    """(the known explicit links de-duplicated, one message per unknown id)."""
    wanted = [e.strip() for e in explicit if e.strip()]
    if any(e.lower() in NO_LINKS for e in wanted):
        return [], []
    ids = experiment_ids(specs)
    known = set(ids)
    problems = [
        f"unknown experiment {e!r}; valid: {', '.join(ids) or 'none'}"
        for e in dict.fromkeys(wanted)
        if e not in known
    ]
    return list(dict.fromkeys(e for e in wanted if e in known)), problems


def card_links(
    front: str,
    back: str,
    explicit: Sequence[str] = (),
    specs: Iterable[ExperimentSpec] | None = None,
) -> tuple[list[str], list[str]]:
    """(experiment ids, problems) of a card as a deck file writes it: an unknown explicit id
    is one problem and the valid ones stay linked (``kl-term, foo`` keeps ``kl-term``);
    only when no explicit id is valid is the card linked from its text."""
    spec_tuple = None if specs is None else tuple(specs)
    linked, problems = split_explicit(explicit, spec_tuple)
    kept = tuple(explicit) if not problems else tuple(linked)  # () links from the text
    if spec_tuple is None:  # the module's matcher as it is (tests may replace it)
        return experiments_for(front, back, kept), problems
    return experiments_for(front, back, kept, spec_tuple), problems


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
    linker = _cached_linker(spec_tuple)
    in_question = linker.index.count_words(words_of(front))
    in_answer = linker.index.count_words(words_of(back))
    if not in_question and not in_answer:
        return []
    scores: dict[str, int] = {}
    vetoed: set[str] = set()
    found = sorted(in_question.keys() | in_answer.keys())
    for rule in (rule for phrase in found for rule in linker.by_phrase.get(phrase, ())):
        q, a = in_question.get(rule.phrase, 0), in_answer.get(rule.phrase, 0)
        if rule.veto:
            vetoed.add(rule.experiment)
            continue
        if rule.context and not any(c in in_question or c in in_answer for c in rule.context):
            continue
        scores[rule.experiment] = scores.get(rule.experiment, 0) + rule.weight * (2 * q + a)
    linked = [e for e in scores if e not in vetoed]
    return sorted(linked, key=lambda e: (-scores[e], linker.order[e]))


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


def suggested_settings(
    experiment_id: str,
    front: str,
    back: str,
    explicit: Mapping[str, str] | None = None,
    specs: Iterable[ExperimentSpec] | None = None,
) -> dict[str, str]:
    """The settings a card suggests for one of its experiments: every matching phrase of
    the spec's ``suggestions`` (in order, later ones win), then ``explicit`` on top."""
    linker = _cached_linker(_all_specs() if specs is None else tuple(specs))
    found = linker.index.count_words(words_of(front)) | linker.index.count_words(words_of(back))
    settings: dict[str, str] = {}
    for suggestion in linker.suggestions:
        rule = suggestion.rule
        if suggestion.experiment != experiment_id or rule.phrase not in found:
            continue
        if rule.context and not any(c in found for c in rule.context):
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
