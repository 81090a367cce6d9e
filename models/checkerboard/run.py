"""Transposed convolution vs resize-then-convolve, trained side by side to upscale digits.

Both arms map a 4x4 (2x2-averaged) digit to 16x16; the target is the 8x8 digit's bilinear
upscaling, a smooth image. Each arm has two stride-2 upsampling layers and a final 3x3
convolution: by default arm 1 upsamples with ``ConvTranspose2d``, arm 2 with a nearest-
neighbour resize followed by a 3x3 convolution (Odena et al. 2016). Once both beat bicubic
interpolation on the test digits, each is shown a flat gray image: any pattern in its
output is the upsampling's own. Seeds and arms are the groups of grouped convolutions, so
they never mix.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import cast

import torch
import torch.nn.functional as F
from torch import nn

from models.base import Outcome, Progress, RunConfig, Verdict
from models.digits import load_digits_split
from models.torchutil import Adam, SeedNoise, make_generator, pick_device, small_model_threads

STRIDE = 2
NAMES = {"transposed": "transposed conv", "resize": "resize-conv"}
SECOND_SALT = 6_700_417
"""Offsets the second arm's batch stream from the first's when the streams are independent."""
MIN_RATIO = 3.0
"""The first arm's flat-input ripple must be this many times the resize arm's."""
FLAT_SIZE, FLAT_LEVEL = 8, 0.5
"""The probe input: a flat gray 8x8 image (the networks are fully convolutional)."""
RIPPLE_MIN = 5e-3
"""A flat input's output must ripple by at least this (mean |out - its mean|, pixel units)
to count as patterned (seeds 0-9 at the defaults: 0.018 to 0.034 for the trained transposed
arm); resize-conv's interior response to it is flat to rounding."""


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


def _flat_response(model: nn.Module, groups: int, device: torch.device) -> torch.Tensor:
    """``[G, 16, 16]``: the centre of each group's output for a flat gray 8x8 input.

    The 8x8 input gives a 32x32 output; its central 16x16 lies 8 pixels from every
    border, out of reach of zero padding, so any pattern there comes from the upsampling.
    """
    with torch.no_grad():
        flat = torch.full((1, groups, FLAT_SIZE, FLAT_SIZE), FLAT_LEVEL, device=device)
        out = model(flat)[0]
    lo, hi = FLAT_SIZE, 3 * FLAT_SIZE
    return out[:, lo:hi, lo:hi]


def flat_ripple(model: nn.Module, groups: int, device: torch.device) -> torch.Tensor:
    """Per group ``[G]``: mean |y - mean(y)| over the centre of the response y to a flat input
    (:func:`_flat_response`): 0 for an upsampler whose response does not depend on position."""
    centre = _flat_response(model, groups, device)
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
    kinds = (str(p["upsampler"]), str(p["second"]))
    independent = str(p["streams"]) == "independent"
    device = pick_device(cfg.device)
    small_model_threads(device)
    data = load_digits_split(device)
    k = len(cfg.seeds)
    # Group 2i: seed i's first arm (transposed by default); group 2i + 1: its second arm.
    ids = [seed * 7919 + arm for seed in cfg.seeds for arm in (1, 2)]
    transposed = [kind == "transposed" for _ in cfg.seeds for kind in kinds]
    model = Upsampler(ids, transposed, channels, kernel, device)
    opt = Adam(model.parameters(), lr=lr)
    noise = SeedNoise(cfg.seeds, device)
    second_noise = SeedNoise([s + SECOND_SALT for s in cfg.seeds], device)

    def pair(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Flat 8x8 digits -> (4x4 averages, the 16x16 bilinear upscaling: a smooth target)."""
        img = x.view(-1, 1, 8, 8)
        big = F.interpolate(img, scale_factor=2, mode="bilinear", align_corners=False)
        return F.avg_pool2d(img, 2)[:, 0], big[:, 0]

    train_small, train_big = pair(data.train_x)
    test_small, test_big = pair(data.test_x)
    target_share = float(checkerboard_share(test_big).mean())
    bicubic = F.interpolate(test_small.unsqueeze(1), scale_factor=4, mode="bicubic")[:, 0]
    mse_bicubic = float((bicubic - test_big).pow(2).mean())
    test_in = test_small.unsqueeze(1).expand(-1, 2 * k, -1, -1)

    def measure() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Per group ``[2K]``: test MSE and mean checkerboard share; and the outputs."""
        with torch.no_grad():
            out = model(test_in)
        mse = (out - test_big.unsqueeze(1)).pow(2).mean((0, 2, 3))
        return mse, checkerboard_share(out).mean(0), out

    for step in range(1, cfg.steps + 1):
        first = noise.randint(len(train_small), batch)
        second = second_noise.randint(len(train_small), batch) if independent else first
        index = torch.stack([first, second], dim=1).flatten(0, 1)  # [2K, B], arms interleaved
        small = train_small[index].transpose(0, 1)  # [B, 2K, 4, 4]
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
                    "ripple_first": float(ripple[0::2].mean()),
                    "ripple_second": float(ripple[1::2].mean()),
                    "mse_first": float(mse[0::2].mean()),
                    "mse_second": float(mse[1::2].mean()),
                    "mse_bicubic": mse_bicubic,
                    "share_first": float(share[0::2].mean()),
                    "share_second": float(share[1::2].mean()),
                    "share_target": target_share,
                },
            )

    mse, share, out = measure()
    ripple = flat_ripple(model, 2 * k, device)
    per_seed = [
        {
            "ripple_first": float(ripple[2 * i]),
            "ripple_second": float(ripple[2 * i + 1]),
            "mse_first": float(mse[2 * i]),
            "mse_second": float(mse[2 * i + 1]),
            "share_first": float(share[2 * i]),
            "share_second": float(share[2 * i + 1]),
        }
        for i in range(k)
    ]
    trained = [m["mse_first"] < mse_bicubic and m["mse_second"] < mse_bicubic for m in per_seed]
    patterned = [
        m["ripple_first"] >= RIPPLE_MIN and m["ripple_first"] >= MIN_RATIO * m["ripple_second"]
        for m in per_seed
    ]
    verdict = Verdict.from_seeds([a and b for a, b in zip(trained, patterned, strict=True)], "")
    names = [NAMES[kind] for kind in kinds]
    if kinds[0] == kinds[1]:
        names = [f"{names[0]} (arm 1)", f"{names[1]} (arm 2)"]
    r1, r2 = float(ripple[0::2].mean()), float(ripple[1::2].mean())
    detail = (
        f"a flat gray input comes out rippled by {r1:.3f} ({names[0]}) vs {r2:.1g} "
        f"({names[1]}); bar: >= {RIPPLE_MIN:g} and >= {MIN_RATIO:g}x the second arm's, "
        f"met on {sum(patterned)} of {k} seed(s). Test MSE {float(mse[0::2].mean()):.4f} vs "
        f"{float(mse[1::2].mean()):.4f}; both must beat bicubic interpolation's "
        f"{mse_bicubic:.4f} (met on {sum(trained)} of {k}). Share of digit outputs' energy "
        f"at the stride's frequencies: {float(share[0::2].mean()):.3%} vs "
        f"{float(share[1::2].mean()):.3%} (target {target_share:.3%})"
    )
    if verdict.passed:
        verdict.summary = f"the trained transposed convolution leaves a checkerboard: {detail}"
        verdict.plain = (
            f"Both upsamplers learned to enlarge digits, but shown a plain gray image the "
            f"{names[0]} drew a faint grid repeating every 2 pixels; the {names[1]} "
            "kept it plain."
        )
    elif sum(trained) * 2 < k:
        verdict.summary = f"the upsamplers are not trained yet, so no verdict: {detail}"
        verdict.plain = (
            "The upsamplers had not yet learned to enlarge digits better than plain "
            "interpolation, so this run says nothing about trained networks."
        )
    else:
        verdict.summary = f"no checkerboard difference in this run: {detail}"
        verdict.plain = (
            f"Shown a plain gray image, the {names[0]} did not draw a clearly stronger grid "
            f"pattern than the {names[1]}."
        )
    answer = 0 if r1 >= RIPPLE_MIN > r2 else 1 if r2 >= RIPPLE_MIN > r1 else 2
    shown = slice(0, 6)
    snapshot = {
        "target_16x16": test_big[shown].cpu().numpy(),
        f"arm 1: {names[0]}": out[shown, 0].cpu().numpy(),
        f"arm 2: {names[1]}": out[shown, 1].cpu().numpy(),
        "flat input, arm 1": _flat_response(model, 2 * k, device)[:1].cpu().numpy(),
    }
    metrics = {
        "ripple_first": r1,
        "ripple_second": r2,
        "mse_first": float(mse[0::2].mean()),
        "mse_second": float(mse[1::2].mean()),
        "mse_bicubic": mse_bicubic,
        "share_first": float(share[0::2].mean()),
        "share_second": float(share[1::2].mean()),
        "share_target": target_share,
    }
    return Outcome(verdict, metrics, answer, snapshot, per_seed)
