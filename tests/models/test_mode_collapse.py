"""mode-collapse: a D with k steps per G step drives G onto few modes while the same GAN with
1 D step covers them; with minibatch std, or both arms at 1 D step, it does not."""

from __future__ import annotations

import math

import pytest
import torch

from models import get_spec
from models.base import Control, Progress, execute
from models.mode_collapse.adam import RowAdam
from models.mode_collapse.gan import TwoArmGan
from models.mode_collapse.mixtures import grid, make_mixture, ring, score
from models.mode_collapse.run import MIN_COVERED, MIN_PRECISION
from models.torchutil import Adam, BatchedMLP
from tests.models.controls import check_headline_control, check_headline_default, control_cases

ID = "mode-collapse"


def test_precision_and_recall_of_known_sample_sets() -> None:
    mix = ring(std=0.05)
    on_one_mode = mix.centers[0].expand(1, 2500, 2)
    spread = mix.centers.repeat(313, 1)[:2500].unsqueeze(0)
    far_away = torch.full((1, 2500, 2), 10.0)
    half = torch.cat([mix.centers[:2].repeat(625, 1), torch.full((1250, 2), 10.0)]).unsqueeze(0)
    s = score(torch.cat([on_one_mode, spread, far_away, half]), mix)
    assert s.precision.tolist() == [1.0, 1.0, 0.0, 0.5]
    assert s.modes.tolist() == [1, 8, 0, 2] and s.recall.tolist() == [1 / 8, 1.0, 0.0, 2 / 8]
    assert s.top_share[0] == 1.0 and s.top_share[1] == pytest.approx(313 / 2500, abs=1e-3)
    assert math.isnan(s.top_share[2])  # nothing on a mode: reported as such, not filled in
    assert s.distance[0] == 0 and s.distance[2] > 100
    # A mode needs min_share of the samples: 10 of 2,500 on a second mode do not cover it.
    few = torch.cat([mix.centers[0].expand(2490, 2), mix.centers[1].expand(10, 2)]).unsqueeze(0)
    assert score(few, mix, min_share=0.02).modes.tolist() == [1]
    assert grid().n_modes == 25


def test_row_adam_is_adam_and_moves_only_the_rows_asked() -> None:
    ours, theirs = (BatchedMLP([3, 16, 1], (0, 1)) for _ in range(2))
    row_adam = RowAdam(ours, lr=2e-3, betas=(0.5, 0.999))
    adam = Adam(theirs.parameters(), lr=2e-3, betas=(0.5, 0.999))
    x = torch.randn(2, 64, 3, generator=torch.Generator().manual_seed(0))
    for i in range(10):
        for net in (ours, theirs):
            for p in net.parameters():
                p.grad = None
            torch.nn.functional.softplus(net(x * (i + 1))).sum().backward()
        row_adam.step([p.grad for p in ours.parameters()])  # type: ignore[misc]
        adam.step()
    assert all(
        torch.equal(p, q) for p, q in zip(ours.parameters(), theirs.parameters(), strict=True)
    )
    before = [p.detach().clone() for p in ours.parameters()]
    row_adam.step([torch.ones_like(p[:1]) for p in ours.parameters()], rows=1)
    after = list(ours.parameters())
    assert all(
        not torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
        for a, b in zip(after, before, strict=True)
    )
    assert row_adam.t == [11, 10]  # each row keeps its own bias correction


def test_both_arms_at_one_d_step_from_shared_streams_are_one_run() -> None:
    p = get_spec(ID).resolve({"d_steps": 1})
    gan = TwoArmGan((3, 4), torch.device("cpu"), p)
    mix = make_mixture("ring8")
    for _ in range(30):
        gan.step(mix)
    z = torch.randn(1, 100, int(p["z_dim"])).expand(4, -1, -1)
    out = gan.sample(z)
    assert torch.equal(out[0], out[2]) and torch.equal(out[1], out[3])
    assert not torch.equal(out[0], out[1])


def test_snapshots_show_the_data_and_both_arms_during_the_run() -> None:
    seen: list[Progress] = []
    result = execute(get_spec(ID), steps=100, seeds=(0,), on_progress=seen.append)
    shots = [p.snapshot for p in seen if p.snapshot is not None]
    assert len(shots) >= 10  # the Pictures tab can redraw as training goes
    for shot in (*shots, result.snapshot):
        assert shot is not None
        assert shot["data"].shape == shot["samples"].shape == shot["samples_one"].shape
        assert shot["samples"].shape == (1000, 2)
        assert set(shot["labels"]) == {"samples", "samples_one"}
    assert result.per_seed_metrics[0].keys() >= {"precision_strong", "modes_one"}


# Ten seeds at the full default: minutes on a loaded 2-core machine, so more room than 300 s.
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_default_the_more_effective_d_collapses_g_the_other_covers() -> None:
    result = check_headline_default(ID)
    rows = result.per_seed_metrics
    collapsed = [r["precision_strong"] >= MIN_PRECISION and r["modes_strong"] <= 3 for r in rows]
    covered = [r["precision_one"] >= MIN_PRECISION and r["recall_one"] >= MIN_COVERED for r in rows]
    assert sum(collapsed) >= 9 and sum(covered) >= 9
    assert result.answer == 1  # piled on a few modes
    assert result.verdict.plain.startswith("On ")


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails(control: Control) -> None:
    result = check_headline_control(ID, control)
    rows = result.per_seed_metrics
    if control.kind == "sanity":  # same init, same streams: the two arms are one run
        assert all(r["precision_strong"] == r["precision_one"] for r in rows)
