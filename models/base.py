"""The experiment protocol, free of torch so that catalogues and UIs load instantly.

An experiment is a package ``models/<name>/`` whose ``__init__.py`` defines ``SPEC``, an
:class:`ExperimentSpec` (metadata, parameters, explanation; no torch), and whose
``run.py`` defines ``run(cfg: RunConfig) -> Generator[Progress, None, Outcome]``: a seeded,
step-wise training run that yields a :class:`Progress` every step (or every few steps)
and returns an :class:`Outcome` with the measured verdict.

:func:`execute` drives that generator for any caller (CLI, TUI worker, tests, benchmarks):
it records the metric history, stops on NaN/inf with a result that says where, and stops
between steps when ``should_stop()`` turns true.

Seeds and controls. A run may train several seeds at once (``RunConfig.seeds``); its verdict
is judged per seed and then by the majority rule :func:`seeds_pass` (at least 4 of 5, i.e.
>= 80%). Every runner builds its verdict with :meth:`Verdict.from_seeds`, which fills
``Verdict.per_seed`` (one bool per entry of ``cfg.seeds``, in order) beside
``seeds_agreed``/``seeds_total``. A spec's :class:`Control` is a setting under which the
concept is absent: run with ``control.set`` on held-out seeds, its verdict must fail on at
least 4 of 5 seeds (``Verdict.seeds_failed >= 4``), as the default must pass on at least 4.
``tests/models/controls.py`` checks both for every experiment.
"""

from __future__ import annotations

import importlib
import math
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ParamValue = int | float | str | bool


class ParamError(ValueError):
    """A bad parameter name or value; the message lists what is valid."""


@dataclass(frozen=True)
class Param:
    """One tunable parameter: its default fixes its type; ``low``/``high`` bound numbers."""

    name: str
    default: ParamValue
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None

    @property
    def kind(self) -> type:
        return type(self.default)

    def describe(self) -> str:
        """``name=default`` with its type and valid range, for error messages and --help."""
        if self.choices:
            valid = "one of " + ", ".join(self.choices)
        elif self.kind is bool:
            valid = "true or false"
        else:
            lo = "-inf" if self.low is None else f"{self.low:g}"
            hi = "inf" if self.high is None else f"{self.high:g}"
            valid = f"{self.kind.__name__} in [{lo}, {hi}]"
        return f"{self.name}={self.default} ({valid}): {self.help}"

    def coerce(self, raw: Any) -> ParamValue:
        """Convert a string (or value) to this parameter's type and check its range."""
        kind = self.kind
        if isinstance(raw, str) and not raw.isascii() and kind in (int, float):
            raise ParamError(f"bad value {raw!r} (ASCII digits only) for {self.describe()}")
        try:
            if kind is bool:
                if isinstance(raw, bool):
                    value: ParamValue = raw
                elif str(raw).strip().lower() in {"1", "true", "yes", "on"}:
                    value = True
                elif str(raw).strip().lower() in {"0", "false", "no", "off"}:
                    value = False
                else:
                    raise ValueError(raw)
            elif kind is int:
                as_float = float(raw)
                if not as_float.is_integer():
                    raise ValueError(raw)
                value = int(as_float)
            elif kind is float:
                value = float(raw)
                if not math.isfinite(value):
                    raise ValueError(raw)
            else:
                value = str(raw)
        except (TypeError, ValueError):
            raise ParamError(f"bad value {raw!r} for {self.describe()}") from None
        if self.choices and value not in self.choices:
            raise ParamError(f"bad value {raw!r} for {self.describe()}")
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if numeric and (
            (self.low is not None and value < self.low)  # type: ignore[operator]
            or (self.high is not None and value > self.high)  # type: ignore[operator]
        ):
            raise ParamError(f"{raw!r} out of range for {self.describe()}")
        return value


@dataclass(frozen=True)
class PlotSpec:
    """A live plot: which history keys it draws, and whether its y axis is logarithmic."""

    title: str
    keys: tuple[str, ...]
    ylabel: str = ""
    log_y: bool = False


@dataclass(frozen=True)
class Prediction:
    """A question the student answers before a run; the run's ``Outcome.answer`` grades it."""

    question: str
    choices: tuple[str, ...]


ControlKind = Literal["absent", "null", "sanity"]
"""What a control shows when its verdict fails (see :class:`Control`)."""


@dataclass(frozen=True)
class Control:
    """A setting under which the experiment's concept is absent, so its verdict must fail.

    ``set`` overrides parameters (and may hold ``steps``); ``why`` says, in one sentence,
    which part of the concept the setting switches off. The test suite runs every control
    on held-out seeds and asserts the verdict does NOT pass on at least 4 of 5.

    ``kind`` says what its failure proves:

    - ``"absent"``: the concept is switched off and the run trains fully; the verdict fails
      because the effect is gone. Every experiment declares at least one.
    - ``"null"``: a two-arm experiment with both arms on the same setting and independent
      random streams (init and batches); the verdict fails, so its bar sits above seed noise.
      Every spec with ``compares_arms`` declares at least one.
    - ``"sanity"``: a code-path check that fails by construction (identical arms, a bar of
      exactly 0); kept, but it proves nothing about the claim and counts for neither rule.
    """

    set: Mapping[str, ParamValue]
    why: str
    kind: ControlKind = "absent"

    @property
    def params(self) -> dict[str, ParamValue]:
        """The parameter overrides (``set`` without ``steps``), for :func:`execute`."""
        return {k: v for k, v in self.set.items() if k != "steps"}

    @property
    def steps(self) -> int | None:
        """The step count the control runs for, or None for the spec's default."""
        return int(self.set["steps"]) if "steps" in self.set else None

    def label(self) -> str:
        """``k=v, k=v``: the setting in one short line (test ids, tables)."""
        return ", ".join(f"{k}={v}" for k, v in self.set.items())

    def to_json(self) -> dict[str, Any]:
        return {"set": dict(self.set), "why": self.why, "kind": self.kind}


@dataclass(frozen=True)
class ExperimentSpec:
    """Everything about an experiment that can be known without torch."""

    id: str
    title: str
    concepts: tuple[str, ...]
    """Phrases a card's text is matched against to link the card to this experiment."""
    summary: str
    explanation: str
    """The concept, what to watch in the plots, what the verdict measures, the source."""
    params: tuple[Param, ...]
    default_steps: int
    cost_seconds: float
    """Approximate wall time of the default run on a 2-core CPU."""
    plots: tuple[PlotSpec, ...] = ()
    prediction: Prediction | None = None
    max_steps: int = 100_000
    runner: str = ""
    """``module:function`` of the torch implementation; default ``models.<pkg>.run:run``."""
    suggestions: tuple[tuple[str, str], ...] = ()
    """Settings a card's text suggests: ``(phrase, "key=value, ...")``, the phrase matched
    like ``concepts`` (``studyapp.experiments.links.suggested_settings``); keys are params,
    steps, seed."""
    controls: tuple[Control, ...] = ()
    """Settings that switch the concept off: under each, the verdict must fail."""
    compares_arms: bool = False
    """The verdict compares two arms trained side by side (it then needs a ``null`` control)."""

    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        valid = "; ".join(p.describe() for p in self.params) or "none"
        raise ParamError(f"unknown parameter {name!r} for {self.id}; valid: {valid}")

    def resolve(self, overrides: Mapping[str, Any] | None = None) -> dict[str, ParamValue]:
        """Defaults updated by ``overrides`` (strings or values), each checked."""
        values: dict[str, ParamValue] = {p.name: p.default for p in self.params}
        for name, raw in (overrides or {}).items():
            values[name] = self.param(name).coerce(raw)
        return values

    def load_runner(self) -> Callable[[RunConfig], Generator[Progress, None, Outcome]]:
        default = f"models.{self.id.replace('-', '_')}.run:run"
        module_name, _, func = (self.runner or default).partition(":")
        return getattr(importlib.import_module(module_name), func or "run")


@dataclass(frozen=True)
class RunConfig:
    """One run's settings; ``seeds`` has several entries when seeds are batched."""

    params: Mapping[str, ParamValue]
    steps: int
    seeds: tuple[int, ...] = (0,)
    device: str = "cpu"


@dataclass
class Progress:
    """What a run yields as it goes: scalar metrics for curves, optionally a snapshot.

    Yield the same metric keys every time (histories stay aligned with ``step``).
    ``snapshot`` holds arrays worth drawing (e.g. ``{"samples": ndarray[N, 2], "data": ...}``
    or ``{"images": ndarray[K, H, W]}``); yield one only every so often.
    """

    step: int
    total: int
    metrics: dict[str, float]
    snapshot: dict[str, Any] | None = None


def seeds_pass(flags: Sequence[bool]) -> bool:
    """The multi-seed pass rule: at least 80% of seeds (4 of 5); a lone seed must pass."""
    return len(flags) > 0 and sum(bool(f) for f in flags) >= math.ceil(0.8 * len(flags))


@dataclass
class Verdict:
    """The measured answer to an experiment's question, per seed and overall.

    ``per_seed[i]`` says whether seed ``cfg.seeds[i]`` met the criterion; ``passed`` is
    :func:`seeds_pass` of it. Build it with :meth:`from_seeds`. ``per_seed`` is empty only
    for verdicts that no seed produced (a cancelled or diverged run).
    """

    passed: bool
    summary: str
    """The measurements and the bar they were held to (numbers for the curious)."""
    seeds_agreed: int = 1
    seeds_total: int = 1
    per_seed: list[bool] = field(default_factory=list)
    plain: str = ""
    """One sentence a student understands, leading the verdict: what happened, in words
    (e.g. "With a stronger D, the generator piled its samples on 2 of the 8 modes.")."""

    def __post_init__(self) -> None:
        if self.per_seed and (
            self.seeds_agreed != sum(self.per_seed) or self.seeds_total != len(self.per_seed)
        ):
            raise ValueError(
                f"per_seed {self.per_seed} disagrees with {self.seeds_agreed}/{self.seeds_total}"
            )

    @classmethod
    def from_seeds(cls, flags: Sequence[bool], summary: str, plain: str = "") -> Verdict:
        """The verdict of runs whose seeds met the criterion as ``flags`` say (in seed order)."""
        per_seed = [bool(f) for f in flags]
        return cls(seeds_pass(per_seed), summary, sum(per_seed), len(per_seed), per_seed, plain)

    @property
    def seeds_failed(self) -> int:
        """How many seeds did not meet the criterion (what a control must maximise)."""
        return self.seeds_total - self.seeds_agreed


@dataclass
class Outcome:
    """What a run's generator returns: the measured verdict and final metrics."""

    verdict: Verdict
    metrics: dict[str, Any] = field(default_factory=dict)
    answer: int | None = None
    """Index into ``SPEC.prediction.choices`` that the measurements support."""
    snapshot: dict[str, Any] | None = None
    per_seed_metrics: list[dict[str, Any]] = field(default_factory=list)
    """One dict per entry of ``cfg.seeds`` (in order): that seed's own measurements, the
    numbers its ``Verdict.per_seed`` flag was decided on. A seed gives the same numbers
    alone or batched with others (``tests/models/controls.check_seed_alone_matches_batch``)."""


Status = Literal["completed", "cancelled", "diverged"]


@dataclass
class Result:
    experiment: str
    params: dict[str, ParamValue]
    seeds: list[int]
    device: str
    status: Status
    steps_done: int
    verdict: Verdict
    metrics: dict[str, Any]
    history: dict[str, list[float]]
    answer: int | None = None
    snapshot: dict[str, Any] | None = None
    elapsed_s: float = 0.0
    per_seed_metrics: list[dict[str, Any]] = field(default_factory=list)
    """Each seed's own measurements, aligned with ``seeds`` (see ``Outcome``)."""

    def grade(self, choice: int | None) -> bool | None:
        """Whether a predicted choice matches what this run measured (None: ungraded)."""
        if choice is None or self.answer is None or self.status != "completed":
            return None
        return choice == self.answer

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` object (snapshot arrays are left out)."""
        return {
            "experiment": self.experiment,
            "params": self.params,
            "seeds": self.seeds,
            "device": self.device,
            "status": self.status,
            "steps_done": self.steps_done,
            "elapsed_s": round(self.elapsed_s, 3),
            "verdict": asdict(self.verdict),
            "answer": self.answer,
            "metrics": json_safe(self.metrics),
            "per_seed_metrics": json_safe(self.per_seed_metrics),
            "history": json_safe(self.history),
        }


def json_safe(value: Any) -> Any:
    """JSON-safe copy: numpy/torch scalars to floats, non-finite floats to None."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, bool | int | str) or value is None:
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return number if math.isfinite(number) else None


def execute(
    spec: ExperimentSpec,
    params: Mapping[str, Any] | None = None,
    *,
    steps: int | None = None,
    seeds: tuple[int, ...] = (0,),
    device: str = "cpu",
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Result:
    """Run ``spec`` to its verdict, recording history; see the module docstring."""
    values = spec.resolve(params)
    total = spec.default_steps if steps is None else steps
    if not 1 <= total <= spec.max_steps:
        raise ParamError(f"steps must be in [1, {spec.max_steps}] for {spec.id}, got {total}")
    cfg = RunConfig(params=values, steps=total, seeds=tuple(seeds), device=device)
    history: dict[str, list[float]] = {"step": []}
    started = time.perf_counter()
    generator = spec.load_runner()(cfg)
    last_step = 0
    snapshot: dict[str, Any] | None = None

    def finish(status: Status, verdict: Verdict, outcome: Outcome | None = None) -> Result:
        return Result(
            experiment=spec.id,
            params=values,
            seeds=list(seeds),
            device=device,
            status=status,
            steps_done=last_step,
            verdict=verdict,
            metrics=dict(outcome.metrics) if outcome else {},
            history=history,
            answer=outcome.answer if outcome else None,
            snapshot=(outcome.snapshot if outcome and outcome.snapshot else snapshot),
            elapsed_s=time.perf_counter() - started,
            per_seed_metrics=list(outcome.per_seed_metrics) if outcome else [],
        )

    try:
        while True:
            if should_stop is not None and should_stop():
                generator.close()
                return finish(
                    "cancelled",
                    Verdict(False, f"cancelled at step {last_step} of {total}; no verdict"),
                )
            try:
                progress = next(generator)
            except StopIteration as stop:
                outcome: Outcome = stop.value
                return finish("completed", outcome.verdict, outcome)
            last_step = progress.step
            bad = [k for k, v in progress.metrics.items() if not math.isfinite(v)]
            history["step"].append(progress.step)
            for key, value in progress.metrics.items():
                history.setdefault(key, []).append(float(value))
            if progress.snapshot is not None:
                snapshot = progress.snapshot
            if on_progress is not None:
                on_progress(progress)
            if bad:
                generator.close()
                return finish(
                    "diverged",
                    Verdict(
                        False,
                        f"diverged at step {progress.step}: {', '.join(sorted(bad))} "
                        "became NaN or infinite; try a smaller learning rate",
                    ),
                )
    finally:
        generator.close()
