"""Interpolation baselines vs a learned transposed-convolution upscaler, seeds as conv groups."""

from __future__ import annotations

import math
from collections.abc import Generator

import torch
import torch.nn.functional as F
from torch import nn

from models.base import Outcome, Progress, RunConfig, Verdict, seeds_pass
from models.digits import as_images, load_digits_split
from models.torchutil import (
    Adam,
    SeedNoise,
    make_generator,
    pick_device,
    small_model_threads,
)

INTERPOLATIONS = ("nearest", "bilinear", "bicubic")
NOISE_SEED = 77


class GroupedUpscaler(nn.Module):
    """K independent upscalers as grouped convolutions: ``[B, K, 4, 4] -> [B, K, 8, 8]``.

    Channel k of the input is seed k's image; each layer uses ``groups=K`` so seeds never mix.
    Each seed's weights are drawn from its own generator (uniform, bound 1/sqrt(fan_in)).
    """

    def __init__(self, seeds: tuple[int, ...], channels: int, device: torch.device) -> None:
        super().__init__()
        k = len(seeds)
        self.up = nn.ConvTranspose2d(k, k * channels, 4, stride=2, padding=1, groups=k)
        self.mid = nn.Conv2d(k * channels, k * channels, 3, padding=1, groups=k)
        self.out = nn.Conv2d(k * channels, k, 3, padding=1, groups=k)
        gens = [make_generator(s * 7919 + 5, device) for s in seeds]
        with torch.no_grad():
            for layer in (self.up, self.mid, self.out):
                layer.to(device)
                weight, bias = layer.weight, layer.bias
                assert bias is not None
                fan_in = (1 if layer is self.up else weight.shape[1]) * weight[0, 0].numel()
                bound = 1.0 / math.sqrt(fan_in)
                w_chunks, b_chunks = weight.chunk(k, dim=0), bias.chunk(k, dim=0)
                for gen, w, b in zip(gens, w_chunks, b_chunks, strict=True):
                    w.copy_((torch.rand(w.shape, generator=gen, device=device) * 2 - 1) * bound)
                    b.copy_((torch.rand(b.shape, generator=gen, device=device) * 2 - 1) * bound)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.out(F.relu(self.mid(F.relu(self.up(x))))))


def shrink(images: torch.Tensor) -> torch.Tensor:
    """``[..., 64]`` flat 8x8 digits -> ``[..., 4, 4]`` 2x2 averages."""
    flat = images.reshape(-1, 1, 8, 8)
    return F.avg_pool2d(flat, 2).reshape(*images.shape[:-1], 4, 4)


def interpolate(small: torch.Tensor, mode: str) -> torch.Tensor:
    """``[N, 4, 4]`` -> ``[N, 8, 8]`` by a fixed rule."""
    kwargs = {} if mode == "nearest" else {"align_corners": False}
    up = F.interpolate(small.unsqueeze(1), scale_factor=2, mode=mode, **kwargs)
    return up.squeeze(1).clamp(0.0, 1.0)


def psnr(mse: float) -> float:
    """Peak signal-to-noise ratio in dB for pixels in [0, 1]."""
    return 10 * math.log10(1.0 / max(mse, 1e-12))


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    channels, lr = int(p["channels"]), float(p["lr"])
    batch, every = int(p["batch"]), int(p["eval_every"])
    device = pick_device(cfg.device)
    small_model_threads(device)
    data = load_digits_split(device)
    k = len(cfg.seeds)
    model = GroupedUpscaler(tuple(cfg.seeds), channels, device)
    opt = Adam(model.parameters(), lr=lr)
    noise = SeedNoise(cfg.seeds, device)
    train_x = data.train_x
    if str(p["train_on"]) == "noise":  # same shape and range, no digit structure to learn
        gen = make_generator(NOISE_SEED, device)
        train_x = torch.rand(train_x.shape, generator=gen, device=device)
    train_big, train_small = train_x.view(-1, 8, 8), shrink(train_x)
    test_big, test_small = data.test_x.view(-1, 8, 8), shrink(data.test_x)
    baseline = {
        mode: float((interpolate(test_small, mode) - test_big).pow(2).mean())
        for mode in INTERPOLATIONS
    }
    test_in = test_small.unsqueeze(1).expand(-1, k, -1, -1)

    def test_error() -> torch.Tensor:
        with torch.no_grad():
            return (model(test_in) - test_big.unsqueeze(1)).pow(2).mean((0, 2, 3))

    learned = test_error()
    for step in range(1, cfg.steps + 1):
        index = noise.randint(len(train_big), batch)  # [K, B]: seed k's minibatch
        small = train_small[index].transpose(0, 1)  # [B, K, 4, 4]
        target = train_big[index].transpose(0, 1)
        loss = (model(small) - target).pow(2).mean((0, 2, 3))
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
        if step % every == 0 or step == cfg.steps:
            learned = test_error()
            metrics = {f"mse_{mode}": v for mode, v in baseline.items()}
            metrics["mse_learned"] = float(learned.mean())
            yield Progress(step, cfg.steps, metrics)

    best_mode = min(baseline, key=lambda m: baseline[m])
    best = baseline[best_mode]
    flags = [bool(v < best) for v in learned.tolist()]
    mean = float(learned.mean())
    summary = (
        f"test MSE learned {mean:.4f} vs {best_mode} {best:.4f}, bilinear "
        f"{baseline['bilinear']:.4f}, nearest {baseline['nearest']:.4f}; PSNR {psnr(mean):.1f} "
        f"dB vs {psnr(best):.1f} dB. Bar per seed: the learned upscaler's error below the best "
        f"interpolation's; met on {sum(flags)}/{len(flags)}"
    )
    if seeds_pass(flags):
        plain = (
            "The network that learned to upscale from digits rebuilt unseen 8x8 digits more "
            "faithfully than any of the three fixed interpolation rules."
        )
    else:
        plain = "The learned upscaler did no better than a fixed interpolation rule."
    with torch.no_grad():
        shown = slice(0, 6)
        learned_images = model(test_in[shown])[:, 0]
    snapshot = {
        "original_8x8": as_images(test_big[shown]),
        "input_4x4": test_small[shown].cpu().numpy(),
        "bilinear": as_images(interpolate(test_small[shown], "bilinear")),
        "learned": as_images(learned_images),
    }
    scores = [baseline["nearest"], baseline["bilinear"], mean]
    per_seed = [
        {"mse_learned": v, "mse_best_interpolation": best, "learned_over_best": v / best}
        for v in learned.tolist()
    ]
    return Outcome(
        Verdict.from_seeds(flags, summary, plain),
        {f"mse_{m}": v for m, v in baseline.items()}
        | {"mse_learned": mean, "psnr_learned": psnr(mean), "psnr_best_interpolation": psnr(best)},
        scores.index(min(scores)),
        snapshot,
        per_seed,
    )
