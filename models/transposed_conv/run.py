"""Hand-made transposed convolution compared with ``torch.nn.functional.conv_transpose2d``."""

from __future__ import annotations

from collections.abc import Generator

import torch
import torch.nn.functional as F

from models.base import Outcome, ParamError, Progress, RunConfig, Verdict
from models.torchutil import count_agreeing, majority, make_generator, pick_device, to_numpy

TOLERANCE = 1e-9


def output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    """(n - 1) * stride - 2 * padding + kernel."""
    return (size - 1) * stride - 2 * padding + kernel


def transposed_conv_by_hand(
    x: torch.Tensor, weight: torch.Tensor, stride: int, padding: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """The card's recipe: multiply each input pixel by the kernel, place it, sum the overlaps.

    ``x`` is ``[B, C_in, H, W]``, ``weight`` is ``[C_in, C_out, k, k]`` (ConvTranspose2d's
    layout). Returns the output ``[B, C_out, H', W']`` and, per output pixel, how many
    scaled kernels were summed into it.
    """
    batch, _, height, width = x.shape
    c_out, k = weight.shape[1], weight.shape[2]
    full_h, full_w = (height - 1) * stride + k, (width - 1) * stride + k
    out = torch.zeros(batch, c_out, full_h, full_w, dtype=x.dtype, device=x.device)
    hits = torch.zeros(full_h, full_w, dtype=torch.long, device=x.device)
    for i in range(height):
        for j in range(width):
            # 1) multiply: this input pixel (over input channels) times the whole kernel
            scaled = torch.einsum("bc,cokl->bokl", x[:, :, i, j], weight)
            # 2) place it at stride x the pixel's position; 3) sum where copies overlap
            top, left = i * stride, j * stride
            out[:, :, top : top + k, left : left + k] += scaled
            hits[top : top + k, left : left + k] += 1
    if padding:
        out = out[:, :, padding:-padding, padding:-padding]
        hits = hits[padding:-padding, padding:-padding]
    return out, hits


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    size, kernel, stride, padding = (int(p[n]) for n in ("size", "kernel", "stride", "padding"))
    c_in, c_out = int(p["in_channels"]), int(p["out_channels"])
    n_out = output_size(size, kernel, stride, padding)
    if n_out < 1 or 2 * padding >= (size - 1) * stride + kernel:
        raise ParamError(
            f"padding={padding} crops the whole {(size - 1) * stride + kernel}-pixel output; "
            "use a smaller padding"
        )
    device = pick_device(cfg.device)
    gens = [make_generator(s, device) for s in cfg.seeds]
    worst = [0.0] * len(gens)
    snapshot: dict | None = None
    overlap = 0
    for step in range(1, cfg.steps + 1):
        errors = []
        for k, gen in enumerate(gens):
            x = torch.randn(2, c_in, size, size, generator=gen, device=device, dtype=torch.float64)
            w = torch.randn(
                c_in, c_out, kernel, kernel, generator=gen, device=device, dtype=torch.float64
            )
            mine, hits = transposed_conv_by_hand(x, w, stride, padding)
            ref = F.conv_transpose2d(x, w, stride=stride, padding=padding)
            if mine.shape != ref.shape:
                raise RuntimeError(f"shape mismatch: by hand {mine.shape}, torch {ref.shape}")
            err = float((mine - ref).abs().max())
            worst[k] = max(worst[k], err)
            errors.append(err)
            overlap = int((hits > 1).sum())
            if k == 0:
                snapshot = {"output_by_hand": to_numpy(mine[:, 0])}
        yield Progress(
            step,
            cfg.steps,
            {"max_abs_error": max(max(errors), 1e-18), "overlap_pixels": float(overlap)},
            snapshot if step == cfg.steps else None,
        )
    agreed, total = count_agreeing([e < TOLERANCE for e in worst])
    passed = majority(agreed, total)
    shape = f"{n_out}x{n_out}"
    if passed:
        summary = (
            f"multiply-place-sum equals ConvTranspose2d on {cfg.steps} random cases "
            f"(max |diff| {max(worst):.1e}); {size}x{size} -> {shape}, "
            f"{overlap} output pixels sum several kernel copies"
        )
    else:
        summary = f"hand-made result differs from ConvTranspose2d by {max(worst):.1e}; no match"
    choices = ("5x5", "6x6", "7x7", "9x9")
    return Outcome(
        verdict=Verdict(passed, summary, agreed, total),
        metrics={
            "max_abs_error": max(worst),
            "output_size": n_out,
            "overlap_pixels": overlap,
        },
        answer=choices.index(shape) if shape in choices else None,
        snapshot=snapshot,
    )
