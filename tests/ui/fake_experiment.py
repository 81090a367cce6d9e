"""A tiny numpy-only experiment for the experiment-screen tests (registered by the tests).

It trains nothing: each step sleeps ``step_ms`` and yields a decaying "loss", a gradient
norm and, every 10 steps, a snapshot (2-D samples against data, and small images).
``fail`` makes it raise or produce NaN at step 3; ``answer`` is the prediction the run
"measures" (the choice index it returns).
"""

from __future__ import annotations

import time
from collections.abc import Generator
from typing import TYPE_CHECKING

from models.base import (
    ExperimentSpec,
    Outcome,
    Param,
    PlotSpec,
    Prediction,
    Progress,
    RunConfig,
    Verdict,
)

SPEC = ExperimentSpec(
    id="fake-experiment",
    title="A fake experiment [bold]for tests[/]",
    concepts=("fake concept",),
    summary="Decays a number; used by the UI tests.",
    explanation="Nothing to learn here: the loss halves every few steps.",
    params=(
        Param("step_ms", 0.0, "sleep per step (ms)", low=0, high=1000),
        Param("answer", 1, "the choice the run measures", low=0, high=2),
        Param("fail", "none", "make the run fail", choices=("none", "raise", "nan")),
        Param("pictures", True, "yield snapshots"),
    ),
    default_steps=30,
    cost_seconds=0.1,
    max_steps=100_000,
    plots=(
        PlotSpec("loss", ("loss",), "loss"),
        PlotSpec("gradient norm", ("grad_norm",), "norm", log_y=True),
    ),
    prediction=Prediction("Which one?", ("zero [/]", "one", "two")),
    runner="tests.ui.fake_experiment:run",
)

if TYPE_CHECKING:
    import pytest

    from studyapp.deckfmt.model import ParsedCard, ParsedDeck

FAKE_FRONT = "What is the fake concept?"
"""A card's question that links the fake experiment by its text (the spec's concept)."""


def fake_deck(*cards: ParsedCard) -> ParsedDeck:
    """The deck "Fake lecture": ``cards``, else one card about the fake concept."""
    from studyapp.deckfmt.model import ParsedCard, ParsedDeck

    cards = cards or (ParsedCard(front=FAKE_FRONT, back="A test double.", line=1),)
    return ParsedDeck("Fake lecture", "deck", "tests/fake.txt", cards=list(cards))


def register(monkeypatch: pytest.MonkeyPatch) -> ExperimentSpec:
    """Register the fake experiment beside the real ones; runs on the thread backend."""
    import models

    real_all, real_get = models.all_specs, models.get_spec
    specs = (*real_all(), SPEC)
    monkeypatch.setattr(models, "all_specs", lambda: specs)
    monkeypatch.setattr(models, "get_spec", lambda i: SPEC if i == SPEC.id else real_get(i))
    monkeypatch.setenv("STUDYAPP_RUN_BACKEND", "thread")
    return SPEC


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    import numpy as np

    rng = np.random.default_rng(cfg.seeds[0])
    data = rng.normal(size=(200, 2))
    delay = float(cfg.params["step_ms"]) / 1000
    loss = 1.0
    for step in range(1, cfg.steps + 1):
        if delay:
            time.sleep(delay)
        loss *= 0.9
        if cfg.params["fail"] == "raise" and step == 3:
            raise RuntimeError("the fake experiment broke at step 3")
        grad = float("nan") if cfg.params["fail"] == "nan" and step == 3 else 10.0**-step
        snapshot = None
        if cfg.params["pictures"] and step % 10 == 0:
            snapshot = {
                "samples": rng.normal(size=(200, 2)) * 0.5,
                "data": data,
                "reconstructions": rng.uniform(size=(4, 8, 8)),
            }
        yield Progress(step, cfg.steps, {"loss": loss, "grad_norm": grad}, snapshot)
    answer = int(cfg.params["answer"])
    return Outcome(
        Verdict(loss < 0.5, f"loss fell to {loss:.3f}"),
        metrics={"final_loss": loss},
        answer=answer,
    )
