"""Experiment speed and verdicts: wall time, controls on held-out seeds, cost of measuring.

Prints three tables (real measurements, no assertions):

1. every experiment in ``models.all_specs()`` (auto-discovered): the default run's wall time
   on seed 0, process start to verdict (``studyapp run ID`` in a fresh process; bar: <= 15 s;
   the child's CPU seconds beside it, since other jobs on a shared machine stretch wall
   time), the default verdict on held-out seeds (batched: 61-70 for the headline demos,
   which must pass on >= 9 of 10, else 11-15, >= 4 of 5) and, one row each, every declared
   control's kind and verdict on the same seeds (it must FAIL on as many); the last column
   says whether each row meets its bar;
2. the instrumented loop vs the same loop bare, side by side in one run (interleaved, best
   of ``--repeat``, runs capped at 600 steps): ``execute`` (history, NaN checks, progress
   callback, cancel checks) against draining the run's generator directly; goal >= 0.95x.
   Timed in process CPU seconds (one torch thread), which other jobs on a shared machine
   disturb far less than wall time;
3. ``--seeds 5`` batched in one process vs 1 seed (goal <= 2x).

Usage: ``python benchmarks/bench_experiments.py [--quick] [--only id,id] [--repeat N]
[--skip 1,2,3]``. ``--quick`` caps every run (controls too) at 300 steps and judges 2
held-out seeds, so its verdicts are not the real ones; use it to check that all runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch

from models import all_specs, get_spec
from models.base import ExperimentSpec, Result, RunConfig, execute

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
    seen: list[object] = []
    started = time.process_time()
    execute(spec, steps=steps, on_progress=seen.append, should_stop=lambda: False)
    return time.process_time() - started


def bare_gan(steps: int) -> float:
    """mode-collapse's training loop with no measuring at all (both arms, same steps)."""
    from models.mode_collapse.gan import TwoArmGan
    from models.mode_collapse.mixtures import make_mixture
    from models.torchutil import small_model_threads

    p = get_spec("mode-collapse").resolve()
    device = torch.device("cpu")
    small_model_threads(device)
    started = time.process_time()
    mix = make_mixture(str(p["data"]))
    gan = TwoArmGan((0,), device, p)
    for _ in range(steps):
        gan.step(mix)
    return time.process_time() - started


HELD_OUT = (11, 12, 13, 14, 15)
"""The seeds no threshold was calibrated on (as in ``tests/models/controls.py``)."""
HEADLINE = {"mode-collapse", "vanishing-gradients", "kl-term"}
"""Judged on ``HEADLINE_SEEDS`` (61-70, 9 of 10) instead of 11-15 (4 of 5)."""
HEADLINE_SEEDS = tuple(range(61, 71))
WALL_BAR_S = 15.0
"""Issue 16's bar: every default run (seed 0), process start to verdict, within 15 s wall."""


def run_process(spec_id: str, steps: int) -> tuple[float, float, bool]:
    """``studyapp run ID --json`` in a fresh process: wall seconds, the child's CPU seconds,
    and whether its verdict passed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "studyapp", "run", spec_id, "--steps", str(steps), "--json"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, bool(json.loads(done.stdout)["verdict"]["passed"])


def marks(result: Result) -> str:
    """Per-seed outcome as ``+`` (criterion met) / ``-``, in seed order."""
    return "".join("+" if ok else "-" for ok in result.verdict.per_seed) or "?"


def table_defaults(specs: list[ExperimentSpec], quick: bool, seed_from: int | None) -> None:
    print(
        "\n== 1. defaults (seed 0: `studyapp run ID`, process start to verdict; held-out "
        "seeds: verdict) and every control (must fail on as many seeds)"
    )
    print(
        f"{'experiment / control':<44}{'steps':>7}{'s0 wall':>9}{'s0 cpu':>8}{'seeds wall':>11}"
        f"{'met':>7}  seeds       bar"
    )
    total = 0.0
    misses = 0
    for spec in specs:
        seeds = HEADLINE_SEEDS if spec.id in HEADLINE else HELD_OUT
        if seed_from is not None:  # fresh seeds: as many, starting there
            seeds = tuple(range(seed_from, seed_from + len(seeds)))
        seeds = seeds[:2] if quick else seeds
        need = needed(len(seeds)) if spec.id not in HEADLINE or quick else len(seeds) - 1
        steps = steps_for(spec, quick)
        wall, cpu, _ = run_process(spec.id, steps)
        batch = execute(spec, steps=steps, seeds=seeds)
        total += wall + batch.elapsed_s
        ok = wall <= WALL_BAR_S and batch.status == "completed"
        ok = ok and batch.verdict.seeds_agreed >= need
        misses += not ok
        print(
            f"{spec.id:<44}{steps:>7}{wall:>9.2f}{cpu:>8.2f}{batch.elapsed_s:>11.2f}"
            f"{batch.verdict.seeds_agreed:>4}/{batch.verdict.seeds_total:<2}  {marks(batch):<10}  "
            f"{'ok' if ok else 'MISS'}"
        )
        for control in spec.controls:
            c_steps = control.steps or spec.default_steps
            c_steps = min(c_steps, 300) if quick else c_steps
            run = execute(spec, control.params, steps=c_steps, seeds=seeds)
            total += run.elapsed_s
            failed = run.status == "completed" and run.verdict.seeds_failed >= need
            misses += not failed
            label = f"  {control.kind}: {control.label()}"
            if len(label) > 43:
                label = label[:40] + "..."
            print(
                f"{label:<44}{c_steps:>7}{'':>17}{run.elapsed_s:>11.2f}"
                f"{run.verdict.seeds_agreed:>4}/{run.verdict.seeds_total:<2}  {marks(run):<10}  "
                f"{'ok' if failed else 'MISS'}"
            )
    print(f"{'total':<44}{'':>7}{total:>28.2f}   rows missing their bar: {misses}")
    if quick:
        print("(--quick: 2 seeds, runs capped at 300 steps: these verdicts are not the real ones)")


def needed(total: int) -> int:
    """Seeds that must agree: 80% rounded up (4 of 5)."""
    return -(-4 * total // 5)


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
            f"{spec_id:<24}{steps:>7}{one.elapsed_s:>9.2f}{five.elapsed_s:>11.2f}"
            f"{five.elapsed_s / one.elapsed_s:>7.2f}{cpu1:>9.2f}{cpu5:>9.2f}{cpu5 / cpu1:>7.2f}"
            f"  {agreed}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="cap runs at 300 steps")
    parser.add_argument("--only", help="comma-separated experiment ids (default: all)")
    parser.add_argument("--repeat", type=int, default=5, help="repeats for table 2")
    parser.add_argument("--skip", default="", help="tables to skip, e.g. 1,3")
    parser.add_argument(
        "--seed-from",
        type=int,
        help="table 1 on seeds from N (as many as usual) instead of 61-70 / 11-15: a check on "
        "seeds no threshold saw, e.g. --seed-from 81",
    )
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
        table_defaults(specs, args.quick, args.seed_from)
    if "2" not in skip:
        table_overhead(headline, args.quick, args.repeat)
    if "3" not in skip:
        table_seeds([s.id for s in specs], args.quick)


if __name__ == "__main__":
    main()
