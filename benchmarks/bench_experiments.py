"""Experiment speed: wall time per experiment, cost of measuring, and batched seeds.

Prints three tables (real measurements, no assertions):

1. every experiment in ``models.all_specs()`` at its defaults (seed 0): wall time, steps/s,
   and whether the verdict passed;
2. the instrumented loop vs the same loop bare, side by side in one run (interleaved, best
   of ``--repeat``, runs capped at 600 steps): ``execute`` (history, NaN checks, progress
   callback, cancel checks) against draining the run's generator directly, and for
   mode-collapse the whole run (mode scoring every 1% of the run) against the bare GAN
   training loop; goal >= 0.95x. Timed in process CPU seconds (one torch thread), which
   other jobs on a shared machine disturb far less than wall time;
3. ``--seeds 5`` batched in one process vs 1 seed (goal <= 2x).

Usage: ``python benchmarks/bench_experiments.py [--quick] [--only id,id] [--repeat N]``.
``--quick`` caps every run at 300 steps.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch

from models import all_specs, get_spec
from models.base import ExperimentSpec, RunConfig, execute

OVERHEAD_STEPS = 600
"""Table 2 runs are capped at this many steps so that many interleaved repeats stay cheap."""


def steps_for(spec: ExperimentSpec, quick: bool) -> int:
    return min(spec.default_steps, 300) if quick else spec.default_steps


def drain(spec: ExperimentSpec, steps: int) -> float:
    """The run's generator iterated bare: no history, no checks, no callbacks."""
    cfg = RunConfig(params=spec.resolve(), steps=steps, seeds=(0,), device="cpu")
    started = time.process_time()
    generator = spec.load_runner()(cfg)
    try:
        while True:
            next(generator)
    except StopIteration:
        pass
    return time.process_time() - started


def instrumented(spec: ExperimentSpec, steps: int) -> float:
    """The same run through ``execute`` with a progress callback and a cancel check."""
    seen = []
    started = time.process_time()
    execute(spec, steps=steps, on_progress=seen.append, should_stop=lambda: False)
    return time.process_time() - started


def bare_gan(steps: int) -> float:
    """mode-collapse's training loop with no measuring at all (same models, same steps)."""
    from models.mode_collapse.gan import Gan
    from models.mode_collapse.mixtures import make_mixture
    from models.torchutil import SeedNoise, small_model_threads

    p = get_spec("mode-collapse").resolve()
    device = torch.device("cpu")
    small_model_threads(device)
    started = time.process_time()
    mix = make_mixture(str(p["data"]))
    rows = (0, 0)
    noise = SeedNoise(rows)
    gan = Gan(
        rows,
        torch.tensor([False, True]),
        device,
        lr_g=float(p["lr_g"]),
        lr_d=float(p["lr_d"]),
        hidden=int(p["hidden"]),
        z_dim=int(p["z_dim"]),
    )
    for _ in range(steps):
        gan.step(noise, mix, int(p["batch"]))
    return time.process_time() - started


def table_defaults(specs: list[ExperimentSpec], quick: bool) -> None:
    print("\n== 1. every experiment at its defaults (seed 0, cpu)")
    print(f"{'experiment':<24}{'steps':>7}{'wall s':>9}{'steps/s':>10}{'cost_s':>8}  verdict")
    total = 0.0
    for spec in specs:
        result = execute(spec, steps=steps_for(spec, quick))
        total += result.elapsed_s
        rate = result.steps_done / max(result.elapsed_s, 1e-9)
        verdict = "passed" if result.verdict.passed else "NOT shown"
        print(
            f"{spec.id:<24}{result.steps_done:>7}{result.elapsed_s:>9.2f}{rate:>10.0f}"
            f"{spec.cost_seconds:>8.0f}  {verdict}"
        )
    print(f"{'total':<24}{'':>7}{total:>9.2f}")


def table_overhead(ids: list[str], quick: bool, repeat: int) -> None:
    print(f"\n== 2. instrumented vs bare, CPU s, interleaved, best of {repeat} (bare/instr.)")
    print(f"{'loop':<52}{'bare s':>9}{'instr. s':>10}{'ratio':>8}")
    for spec_id in ids:
        spec = get_spec(spec_id)
        steps = min(steps_for(spec, quick), OVERHEAD_STEPS)
        bare, inst = [], []
        for _ in range(repeat):
            bare.append(drain(spec, steps))
            inst.append(instrumented(spec, steps))
        label = f"{spec_id}: execute vs generator ({steps} st.)"
        print(f"{label:<52}{min(bare):>9.2f}{min(inst):>10.2f}{min(bare) / min(inst):>8.3f}")
    if "mode-collapse" in ids:
        spec = get_spec("mode-collapse")
        steps = min(steps_for(spec, quick), OVERHEAD_STEPS)
        bare, inst = [], []
        for _ in range(repeat):
            bare.append(bare_gan(steps))
            inst.append(instrumented(spec, steps))
        label = f"mode-collapse: full run vs bare GAN ({steps} st.)"
        print(f"{label:<52}{min(bare):>9.2f}{min(inst):>10.2f}{min(bare) / min(inst):>8.3f}")


def table_seeds(ids: list[str], quick: bool) -> None:
    print("\n== 3. 5 seeds batched vs 1 seed (goal <= 2x); wall and process CPU seconds")
    print(
        f"{'experiment':<24}{'steps':>7}{'1 seed':>9}{'5 seeds':>9}{'ratio':>7}"
        f"{'1 cpu':>9}{'5 cpu':>9}{'ratio':>7}  agreed"
    )
    for spec_id in ids:
        spec = get_spec(spec_id)
        steps = steps_for(spec, quick)
        cpu0 = time.process_time()
        one = execute(spec, steps=steps, seeds=(0,))
        cpu1 = time.process_time()
        five = execute(spec, steps=steps, seeds=(0, 1, 2, 3, 4))
        cpu5 = time.process_time() - cpu1
        cpu1 -= cpu0
        agreed = f"{five.verdict.seeds_agreed}/{five.verdict.seeds_total}"
        print(
            f"{spec_id:<24}{steps:>7}{one.elapsed_s:>9.2f}{five.elapsed_s:>9.2f}"
            f"{five.elapsed_s / one.elapsed_s:>7.2f}{cpu1:>9.2f}{cpu5:>9.2f}{cpu5 / cpu1:>7.2f}"
            f"  {agreed}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="cap runs at 300 steps")
    parser.add_argument("--only", help="comma-separated experiment ids (default: all)")
    parser.add_argument("--repeat", type=int, default=5, help="repeats for table 2")
    parser.add_argument("--skip", default="", help="tables to skip, e.g. 1,3")
    args = parser.parse_args()
    specs = list(all_specs())
    if args.only:
        wanted = set(args.only.split(","))
        specs = [s for s in specs if s.id in wanted]
    torch.set_num_threads(1)  # what the experiments use on CPU (models.torchutil)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} intra-op thread, "
        f"cuda available: {torch.cuda.is_available()}, {len(specs)} experiments"
    )
    headline = [s.id for s in specs if s.id in {"mode-collapse", "vanishing-gradients", "kl-term"}]
    skip = set(args.skip.split(","))
    if "1" not in skip:
        table_defaults(specs, args.quick)
    if "2" not in skip:
        table_overhead(headline, args.quick, args.repeat)
    if "3" not in skip:
        table_seeds([s.id for s in specs], args.quick)


if __name__ == "__main__":
    main()
