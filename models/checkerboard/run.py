"""Transposed convolution vs resize-then-convolve, trained side by side to upscale digits.

Both arms map a 4x4 (2x2-averaged) digit to 16x16; the target is the 8x8 digit's bilinear
upscaling, a smooth image. Each arm has two stride-2 upsampling layers and a final 3x3
convolution: arm 1 upsamples with ``ConvTranspose2d``, arm 2 with a nearest-neighbour
resize followed by a 3x3 convolution (Odena et al. 2016). Seeds and arms are the groups of
grouped convolutions, so they never mix.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import cast

import torch
import torch.nn.functional as F
from torch import nn

from models.base import Outcome, Progress, RunConfig, Verdict, seeds_pass
from models.digits import load_digits_split
from models.torchutil import SeedNoise, make_generator, pick_device, small_model_threads

STRIDE = 2
MIN_RATIO = 3.0
"""The first arm's flat-input ripple must be this many times the resize arm's."""
FLAT_SIZE, FLAT_LEVEL = 8, 0.5
"""The probe input: a flat gray 8x8 image (the networks are fully convolutional)."""
RIPPLE_MIN = 5e-3
"""A flat input's output must ripple by at least this (mean |out - its mean|, pixel units)
to count as patterned (seeds 0-9 at the defaults: 0.015 to 0.046 for the transposed arm);
resize-conv's interior response to it is flat to rounding."""


def checkerboard_share(images: torch.Tensor) -> torch.Tensor:
    """Share of each image's non-constant spectral energy at the stride's frequencies.

    ``images`` ``[..., H, W]`` (H, W divisible by the stride); the frequencies are the
    multiples of (H / stride, W / stride) other than (0, 0): for stride 2 the patterns
    +-+- along rows, along columns, and the checkerboard. Returns ``[...]``.
    """
    h, w = images.shape[-2:]
    power = torch.fft.fft2(images).abs().pow(2)
    mask = torch.zeros(h, w, dtype=torch.bool, device=images.device)
    mask[:: h // STRIDE, :: w // STRIDE] = True
    mask[0, 0] = False
    total = power.sum((-2, -1)) - power[..., 0, 0]
    return power[..., mask].sum(-1) / total.clamp(min=1e-12)


def flat_ripple(model: nn.Module, groups: int, device: torch.device) -> torch.Tensor:
    """Per group ``[G]``: mean |y - mean(y)| over the centre of the response y to a flat input.

    The 8x8 gray input gives a 32x32 output; its central 16x16 lies 8 pixels from every
    border, out of reach of zero padding, so any pattern there comes from the upsampling.
    """
    with torch.no_grad():
        flat = torch.full((1, groups, FLAT_SIZE, FLAT_SIZE), FLAT_LEVEL, device=device)
        out = model(flat)[0]
    lo, hi = FLAT_SIZE, 3 * FLAT_SIZE
    centre = out[:, lo:hi, lo:hi]
    return (centre - centre.mean((-2, -1), keepdim=True)).abs().mean((-2, -1))


class Upsampler(nn.Module):
    """G groups (seed x arm) of 4x4 -> 16x16 upsamplers: ``[B, G, 4, 4] -> [B, G, 16, 16]``.

    Two stride-2 upsampling layers, ReLU after each, then a 3x3 convolution to one channel.
    ``transposed[g]`` picks group g's upsampling layers: transposed convolutions with
    ``kernel``, or a nearest resize followed by a 3x3 convolution. Weights are drawn per
    group from ``make_generator(ids[g])`` (uniform, bound 1/sqrt(fan_in)).
    """

    def __init__(
        self,
        ids: list[int],
        transposed: list[bool],
        channels: int,
        kernel: int,
        device: torch.device,
    ) -> None:
        super().__init__()
        g, c = len(ids), channels
        pad = (kernel - 1) // 2
        extra = 2 + 2 * pad - kernel  # output_padding that makes the output exactly 2x
        self.transposed = torch.tensor(transposed, device=device).view(1, g, 1, 1, 1)
        self.channels = c
        self.deconvs = nn.ModuleList(
            nn.ConvTranspose2d(n * g, g * c, kernel, STRIDE, pad, extra, groups=g) for n in (1, c)
        )
        self.convs = nn.ModuleList(nn.Conv2d(n * g, g * c, 3, padding=1, groups=g) for n in (1, c))
        self.out = nn.Conv2d(g * c, g, 3, padding=1, groups=g)
        gens = [make_generator(i, device) for i in ids]
        layers: list[nn.Module] = [*self.deconvs, *self.convs, self.out]
        with torch.no_grad():
            for layer in layers:
                layer.to(device)
                weight = cast(torch.Tensor, layer.weight)
                bias = cast(torch.Tensor, layer.bias)
                per_group_in = weight.shape[0] // g if layer in self.deconvs else weight.shape[1]
                bound = 1.0 / math.sqrt(per_group_in * weight[0, 0].numel())
                for gen, w, b in zip(gens, weight.chunk(g), bias.chunk(g), strict=True):
                    w.copy_((torch.rand(w.shape, generator=gen, device=device) * 2 - 1) * bound)
                    b.copy_((torch.rand(b.shape, generator=gen, device=device) * 2 - 1) * bound)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, g = x.shape[:2]
        for deconv, conv in zip(self.deconvs, self.convs, strict=True):
            up = deconv(x)
            resized = conv(F.interpolate(x, scale_factor=STRIDE, mode="nearest"))
            size = up.shape[-2:]
            shape = (batch, g, self.channels, *size)
            mixed = torch.where(self.transposed, up.view(shape), resized.view(shape))
            x = F.relu(mixed.view(batch, g * self.channels, *size))
        return self.out(x)


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    kernel, channels, lr = int(p["kernel"]), int(p["channels"]), float(p["lr"])
    batch, every = int(p["batch"]), int(p["eval_every"])
    first_transposed = str(p["upsampler"]) == "transposed"
    device = pick_device(cfg.device)
    small_model_threads(device)
    data = load_digits_split(device)
    k = len(cfg.seeds)
    # Group 2i: seed i's first arm (transposed by default); group 2i + 1: its resize-conv arm.
    ids = [seed * 7919 + arm for seed in cfg.seeds for arm in (1, 2)]
    model = Upsampler(ids, [first_transposed, False] * k, channels, kernel, device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    noise = SeedNoise(cfg.seeds, device)

    def pair(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Flat 8x8 digits -> (4x4 averages, the 16x16 bilinear upscaling: a smooth target)."""
        img = x.view(-1, 1, 8, 8)
        big = F.interpolate(img, scale_factor=2, mode="bilinear", align_corners=False)
        return F.avg_pool2d(img, 2)[:, 0], big[:, 0]

    train_small, train_big = pair(data.train_x)
    test_small, test_big = pair(data.test_x)
    target_share = float(checkerboard_share(test_big).mean())
    test_in = test_small.unsqueeze(1).expand(-1, 2 * k, -1, -1)

    def measure() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Per group ``[2K]``: test MSE and mean checkerboard share; and the outputs."""
        with torch.no_grad():
            out = model(test_in)
        mse = (out - test_big.unsqueeze(1)).pow(2).mean((0, 2, 3))
        return mse, checkerboard_share(out).mean(0), out

    for step in range(1, cfg.steps + 1):
        index = noise.randint(len(train_small), batch).repeat_interleave(2, dim=0)  # [2K, B]
        small = train_small[index].transpose(0, 1)  # [B, 2K, 8, 8]: both arms see one batch
        target = train_big[index].transpose(0, 1)
        loss = (model(small) - target).pow(2).mean((0, 2, 3))
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
        if step % every == 0 or step == cfg.steps:
            mse, share, _ = measure()
            ripple = flat_ripple(model, 2 * k, device)
            yield Progress(
                step,
                cfg.steps,
                {
                    "share_first": float(share[0::2].mean()),
                    "share_resize": float(share[1::2].mean()),
                    "share_target": target_share,
                    "mse_first": float(mse[0::2].mean()),
                    "mse_resize": float(mse[1::2].mean()),
                    "ripple_first": float(ripple[0::2].mean()),
                    "ripple_resize": float(ripple[1::2].mean()),
                },
            )

    mse, share, out = measure()
    first, resize = share[0::2], share[1::2]
    ripple = flat_ripple(model, 2 * k, device)
    rip_first, rip_resize = ripple[0::2], ripple[1::2]
    flags = [
        bool(r >= RIPPLE_MIN and r >= MIN_RATIO * q and a > b)
        for a, b, r, q in zip(
            first.tolist(), resize.tolist(), rip_first.tolist(), rip_resize.tolist(), strict=True
        )
    ]
    name = "transposed conv" if first_transposed else "resize-conv (arm 1)"
    detail = (
        f"a flat gray input comes out rippled by {float(rip_first.mean()):.3f} ({name}) vs "
        f"{float(rip_resize.mean()):.1g} (resize-conv); "
        f"share of output energy at the stride's frequencies: {name} {float(first.mean()):.2%}, "
        f"resize-conv {float(resize.mean()):.2%}, target {target_share:.2%}; test MSE "
        f"{float(mse[0::2].mean()):.4f} vs {float(mse[1::2].mean()):.4f}"
    )
    if seeds_pass(flags):
        summary = f"the transposed convolution leaves a checkerboard: {detail}"
    else:
        summary = f"no checkerboard difference in this run: {detail}"
    ratio = float(first.mean() / resize.mean().clamp(min=1e-12))
    a_rip, b_rip = float(rip_first.mean()), float(rip_resize.mean())
    answer = 0 if a_rip >= RIPPLE_MIN > b_rip else 1 if b_rip >= RIPPLE_MIN > a_rip else 2
    shown = slice(0, 6)
    snapshot = {
        "target_16x16": test_big[shown].cpu().numpy(),
        "transposed" if first_transposed else "arm_1": out[shown, 0].cpu().numpy(),
        "resize_conv": out[shown, 1].cpu().numpy(),
    }
    return Outcome(
        Verdict.from_seeds(flags, summary),
        {
            "share_first": float(first.mean()),
            "share_resize": float(resize.mean()),
            "share_target": target_share,
            "share_ratio": ratio,
            "share_first_per_seed": first.tolist(),
            "share_resize_per_seed": resize.tolist(),
            "ripple_first": float(rip_first.mean()),
            "ripple_resize": float(rip_resize.mean()),
            "ripple_first_per_seed": rip_first.tolist(),
            "ripple_resize_per_seed": rip_resize.tolist(),
            "mse_first": float(mse[0::2].mean()),
            "mse_resize": float(mse[1::2].mean()),
        },
        answer,
        snapshot,
    )
