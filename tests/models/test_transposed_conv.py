"""The card's multiply-place-sum recipe is exactly ConvTranspose2d."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from models import get_spec
from models.base import ParamError, execute
from models.transposed_conv.run import output_size, transposed_conv_by_hand


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "c_in", "c_out"),
    [(3, 3, 2, 0, 1, 1), (4, 2, 2, 0, 2, 3), (5, 3, 1, 1, 3, 2), (2, 4, 3, 1, 1, 2)],
)
def test_hand_made_equals_conv_transpose2d_exactly(size, kernel, stride, padding, c_in, c_out):
    gen = torch.Generator().manual_seed(size * 100 + kernel)
    # Small integers in float64: every product and sum is exact, so equality must be bitwise.
    x = torch.randint(-4, 5, (2, c_in, size, size), generator=gen).double()
    w = torch.randint(-4, 5, (c_in, c_out, kernel, kernel), generator=gen).double()
    mine, hits = transposed_conv_by_hand(x, w, stride, padding)
    ref = F.conv_transpose2d(x, w, stride=stride, padding=padding)
    assert torch.equal(mine, ref)
    assert mine.shape[-1] == output_size(size, kernel, stride, padding)
    assert int(hits.max()) >= 1


def test_a_wrong_recipe_is_caught():
    # Guard against a vacuous comparison: placing at stride 1 instead of 2 must differ.
    x = torch.ones(1, 1, 3, 3, dtype=torch.float64)
    w = torch.ones(1, 1, 3, 3, dtype=torch.float64)
    wrong, _ = transposed_conv_by_hand(x, w, stride=1)
    assert wrong.shape != F.conv_transpose2d(x, w, stride=2).shape


def test_single_pixel_places_the_kernel():
    x = torch.zeros(1, 1, 2, 2, dtype=torch.float64)
    x[0, 0, 1, 0] = 2.0
    w = torch.arange(9, dtype=torch.float64).view(1, 1, 3, 3)
    out, _ = transposed_conv_by_hand(x, w, stride=2)
    expected = torch.zeros(1, 1, 5, 5, dtype=torch.float64)
    expected[0, 0, 2:5, 0:3] = 2.0 * w[0, 0]
    assert torch.equal(out, expected)


def test_experiment_verdict_and_answer():
    result = execute(get_spec("transposed-conv"), steps=5)
    assert result.status == "completed"
    assert result.verdict.passed, result.verdict.summary
    assert result.metrics["max_abs_error"] < 1e-9
    assert result.answer == 2  # 3x3, kernel 3, stride 2 -> 7x7
    assert result.snapshot is not None and result.snapshot["output_by_hand"].shape == (2, 7, 7)


def test_padding_that_crops_everything_is_a_clear_error():
    with pytest.raises(ParamError, match="padding"):
        execute(get_spec("transposed-conv"), {"size": 1, "kernel": 1, "padding": 1}, steps=1)


@pytest.mark.slow
def test_five_seeds_agree():
    result = execute(get_spec("transposed-conv"), steps=10, seeds=(0, 1, 2, 3, 4))
    assert result.verdict.passed
    assert (result.verdict.seeds_agreed, result.verdict.seeds_total) == (5, 5)
