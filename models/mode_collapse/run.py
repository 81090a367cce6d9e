"""One GAN with a more effective D (k D steps per G step) beside the same GAN with 1 D step.

Both arms start from the same weights and train side by side; every evaluation scores
2,500 samples of each for precision (quality) and recall (coverage) against the mixture.
"""

from __future__ import annotations

import math
from collections.abc import Generator

import torch

from models.base import Outcome, Progress, RunConfig, Verdict
from models.mode_collapse.gan import Gan
from models.mode_collapse.mixtures import Mixture, ModeScores, make_mixture, score
from models.torchutil import SeedNoise, pick_device, small_model_threads, to_numpy

EVAL_SAMPLES = 2500
"""Samples scored per evaluation, as in the VEEGAN/PacGAN protocol."""
MIN_PRECISION = 0.5
"""Collapse means the samples sit ON the modes: at least half within 3 std of one."""
SNAPSHOT_SALT = 104_729
"""Offsets the seeds of the data drawn for snapshots, so drawing takes nothing from training."""
ARMS = ("strong", "one")
LABELS = {"strong": "k D steps per G step", "one": "1 D step per G step"}


def collapsed(s: ModeScores, n_modes: int) -> torch.Tensor:
    """Per seed: high precision on at least one and at most half of the modes."""
    return (s.precision >= MIN_PRECISION) & (s.modes >= 1) & (s.modes <= n_modes // 2)


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    device = pick_device(cfg.device)
    small_model_threads(device)
    mix = make_mixture(str(p["data"]), device=str(device))
    k = len(cfg.seeds)
    mbstd = torch.full((k,), bool(p["mbstd"]), device=device)
    d_steps = {"strong": int(p["d_steps"]), "one": 1}
    # one stream per arm: the k-step arm's extra D batches do not shift the other's draws
    noise = {arm: SeedNoise(cfg.seeds, device) for arm in ARMS}
    shown = SeedNoise([seed + SNAPSHOT_SALT for seed in cfg.seeds], device)  # data to draw
    gans = {arm: Gan.for_params(cfg.seeds, mbstd, device, p) for arm in ARMS}
    batch, min_share = int(p["batch"]), float(p["min_share"])
    every = max(1, cfg.steps // 50)
    scores: dict[str, ModeScores] = {}
    samples: dict[str, torch.Tensor] = {}
    for step in range(1, cfg.steps + 1):
        losses = {arm: gans[arm].step(noise[arm], mix, batch, d_steps[arm]) for arm in ARMS}
        if step % every and step != cfg.steps:
            continue
        metrics: dict[str, float] = {}
        for arm in ARMS:
            with torch.no_grad():
                samples[arm] = gans[arm].sample(noise[arm], EVAL_SAMPLES)
            scores[arm] = s = score(samples[arm], mix, min_share=min_share)
            metrics[f"precision_{arm}"] = float(s.precision.mean())
            metrics[f"recall_{arm}"] = float(s.recall.mean())
            metrics[f"d_loss_{arm}"] = float(losses[arm][0].mean())
            metrics[f"g_loss_{arm}"] = float(losses[arm][1].mean())
        snapshot = _snapshot(samples, mix, shown) if step % (every * 5) == 0 else None
        yield Progress(step, cfg.steps, metrics, snapshot)
    return _outcome(scores, mix, d_steps["strong"], _snapshot(samples, mix, shown))


def _snapshot(samples: dict[str, torch.Tensor], mix: Mixture, noise: SeedNoise) -> dict:
    """Data and both arms' samples for the first seed (``[1000, 2]`` arrays)."""
    return {
        "data": to_numpy(mix.sample(noise, 1000)[0]),
        "samples": to_numpy(samples["strong"][0, :1000]),
        "samples_one": to_numpy(samples["one"][0, :1000]),
        "labels": {"samples": LABELS["strong"], "samples_one": LABELS["one"]},
    }


def _listing(t: torch.Tensor, fmt: str = "{:.0%}") -> str:
    return ", ".join(fmt.format(v) for v in t.tolist())


def _outcome(scores: dict[str, ModeScores], mix: Mixture, d_steps: int, snapshot: dict) -> Outcome:
    """Per seed: the k-step arm collapsed (precise, few modes) and the 1-step arm did not."""
    m = mix.n_modes
    strong, one = scores["strong"], scores["one"]
    flags = collapsed(strong, m) & ~collapsed(one, m)
    verdict = Verdict.from_seeds(flags.tolist(), "")
    measured = (
        f"with {d_steps} D steps per G step: precision {_listing(strong.precision)}, modes "
        f"covered {_listing(strong.modes, '{:.0f}')} of {m}; with 1 D step: precision "
        f"{_listing(one.precision)}, modes {_listing(one.modes, '{:.0f}')} (collapse: "
        f"precision >= {MIN_PRECISION:.0%} on 1 to {m // 2} modes)"
    )
    nothing = (one.precision < 0.05).all() and (strong.precision < 0.05).all()
    if verdict.passed:
        verdict.summary = f"the more effective D drove G onto few modes: {measured}"
    elif nothing:
        verdict.summary = f"no arm put its samples on the modes (no collapse either): {measured}"
    else:
        verdict.summary = f"no clear collapse caused by the more effective D: {measured}"
    mostly_on = float(strong.precision.median()) >= MIN_PRECISION
    answer = 2 if not mostly_on else 0 if float(strong.recall.median()) >= 0.75 else 1
    metrics: dict[str, object] = {"n_modes": m, "d_steps": d_steps}
    for arm, s in scores.items():
        metrics |= {
            f"precision_{arm}": float(s.precision.mean()),
            f"recall_{arm}": float(s.recall.mean()),
            f"modes_{arm}_per_seed": s.modes.tolist(),
            f"precision_{arm}_per_seed": s.precision.tolist(),
            f"top_share_{arm}_per_seed": [
                None if math.isnan(v) else v for v in s.top_share.tolist()
            ],
            f"distance_{arm}_per_seed": s.distance.tolist(),
        }
    return Outcome(verdict, metrics, answer=answer, snapshot=snapshot)
