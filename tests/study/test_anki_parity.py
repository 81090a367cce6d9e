"""A live answer here gives what Anki's own scheduler gives: for 1,200 random card states
(new, learning, review, relearning; three parameter sets and retentions) and each rating, the
same memory state (stability, difficulty) and the same interval before fuzz.

Anki runs in a subprocess (``anki_next_states.py``) with ``ANKI_TEST_MODE`` set, which turns
its fuzz off, as in Anki's own tests. Anki computes in 32-bit floats and this app in 64-bit:
stabilities agree to 1e-4 relative, and a whole-day interval may round the other way only
where it sits within float precision of a half day (counted, and asserted rare).
"""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyapp.study.clock import StudyDays
from studyapp.study.fsrs import (
    DEFAULT_PARAMETERS,
    LEARNING,
    NEW_CARD,
    RELEARNING,
    REVIEW,
    CardState,
    Scheduler,
    fuzz_bounds,
)

pytest.importorskip("anki.collection", reason="the anki package is the reference")

ROOT = Path(__file__).resolve().parents[2]
CASES = 1200
KINDS = {"learning": LEARNING, "review": REVIEW, "relearning": RELEARNING}


def _presets() -> list[tuple[tuple[float, ...], float]]:
    """FSRS's defaults, and two other parameter sets (within fsrs-rs's bounds)."""
    rng = random.Random(5)
    others = []
    for _ in range(2):
        w = [v * rng.uniform(0.85, 1.15) for v in DEFAULT_PARAMETERS]
        w[7] = DEFAULT_PARAMETERS[7] * rng.uniform(1.0, 5.0)  # its lower bound is the default
        others.append(tuple(round(v, 4) for v in w))
    return [(DEFAULT_PARAMETERS, 0.9), (others[0], 0.8), (others[1], 0.95)]


def _cards(next_day: int, now: int, rng: random.Random) -> list[dict[str, object]]:
    kinds = ("new", "learning", "learning", "review", "review", "review", "relearning")
    out: list[dict[str, object]] = []
    for _ in range(CASES):
        kind = rng.choice(kinds)
        review = kind == "review"
        elapsed = rng.choice(
            (0, 0, 1, 2, rng.randint(3, 40), rng.randint(40, 3000)) if review else (0, 0, 0, 1, 3)
        )
        last = min(next_day - elapsed * 86400 - rng.randint(1, 86399), now - 60)
        out.append({
            "preset": rng.randrange(3), "kind": kind,
            "stability": math.exp(rng.uniform(math.log(0.05), math.log(3000 if review else 20))),
            "difficulty": rng.uniform(1, 10), "last": last,
            "ivl": max(1, round(max(elapsed, 1) * rng.uniform(0.3, 2.5))),
            "remaining": rng.choice((1, 2)) if kind == "learning" else 1,
        })  # fmt: skip
    return out


def _anki(presets: list[tuple[tuple[float, ...], float]], cards: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    request = {"presets": [{"parameters": list(p), "retention": r} for p, r in presets],
               "cards": cards}  # fmt: skip
    env = {**os.environ, "ANKI_TEST_MODE": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("anki_next_states.py"))],
        input=json.dumps(request), capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def _ours(spec: dict[str, object], held: list[float] | None, last: datetime) -> CardState:
    kind = str(spec["kind"])
    if kind == "new":
        return NEW_CARD
    assert held is not None
    stability, difficulty = held
    if kind == "review":
        due = last + timedelta(days=int(spec["ivl"]))  # type: ignore[call-overload]
        return CardState(REVIEW, None, stability, difficulty, due, last)
    steps = 2 if kind == "learning" else 1
    return CardState(KINDS[kind], steps - int(spec["remaining"]), stability, difficulty,  # type: ignore[call-overload]
                     last + timedelta(minutes=1), last)  # fmt: skip


def _near_half(sched: Scheduler, stability: float) -> bool:
    """Whether the interval (or an end of its fuzz range) is within float precision of a
    half day, where 32- and 64-bit arithmetic may round to different days."""
    x = sched.interval(stability)
    lower, upper = fuzz_bounds(x, 1, sched.maximum_interval)
    delta = (upper - lower) / 2
    return any(abs(v % 1 - 0.5) < 1e-4 * max(v, 1) for v in (x, x - delta, x + delta))


@pytest.mark.slow
def test_answers_equal_ankis_for_random_cards() -> None:
    presets = _presets()
    days = StudyDays()  # Anki's default rollover (4) in the machine's zone, as the collection
    now = datetime.now(UTC)
    next_day = days.next_day_at(now)
    if next_day - now < timedelta(minutes=2):
        pytest.skip("a study day ends within two minutes")
    rng = random.Random(2026)
    cards = _cards(int(next_day.timestamp()), int(now.timestamp()), rng)
    anki = _anki(presets, cards)
    assert anki["next_day_at"] == int(next_day.timestamp())
    schedulers = [Scheduler(p, r, days=days) for p, r in presets]
    compared = rounding = 0
    for spec, (held, buttons) in zip(cards, anki["cards"], strict=True):
        sched = schedulers[int(spec["preset"])]  # type: ignore[call-overload]
        last = datetime.fromtimestamp(int(spec["last"]), UTC)  # type: ignore[call-overload]
        card = _ours(spec, held, last)
        for rating, (kind, at, stability, difficulty) in enumerate(buttons, 1):
            after = sched.answer(card, rating, now)
            where = (spec, rating, buttons[rating - 1], after)
            assert after.stability == pytest.approx(stability, rel=1e-4), where
            assert after.difficulty == pytest.approx(difficulty, abs=1e-4), where
            assert after.state == KINDS[kind], where
            assert after.due is not None
            if kind == "review":
                days_given = (after.due - now) / timedelta(days=1)
                assert days_given == int(days_given), where
                if days_given != at:
                    assert abs(days_given - at) == 1, where
                    assert any(
                        _near_half(sched, sched.memory(card.stability, card.difficulty, r,
                                                       sched.elapsed_days(
                                                           _us(last), _us(now), _us(next_day)))[0])
                        for r in range(2, rating + 1)
                    ), where  # fmt: skip
                    rounding += 1
            else:
                assert (after.due - now) == timedelta(seconds=at), where
            compared += 1
    assert compared == 4 * CASES
    assert rounding <= compared // 500, rounding


def _us(at: datetime) -> int:
    return (at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
