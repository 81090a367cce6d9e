"""One 1-D GAN trained three ways; D's distance from the analytic D* is measured throughout."""

from __future__ import annotations

import math
from collections.abc import Generator

import torch
import torch.nn.functional as F

from models.base import Outcome, Progress, RunConfig, Verdict
from models.torchutil import BatchedMLP, SeedNoise, pick_device, small_model_threads

DATA_MEAN, DATA_STD = 2.0, 0.5
GRID_POINTS = 401
NAMES = ("k1", "kk", "ttur")
MAX_RATIO = 0.8
"""A schedule helps when its run-averaged |D - D*| is below this fraction of k = 1's."""


def normal_pdf(x: torch.Tensor, mean: torch.Tensor | float, std: torch.Tensor | float):
    return torch.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


class AffineGAN:
    """G(z) = a z + b (batched over seeds) against a batched MLP discriminator.

    Every arm is built from the same seeds with the same salt, so all arms start from the
    same weights; the noise comes from outside (:class:`SharedBatches`), so they also see
    the same data and noise."""

    def __init__(
        self, seeds: tuple[int, ...], hidden: int, lr_g: float, lr_d: float, device
    ) -> None:
        k = len(seeds)
        self.disc = BatchedMLP([1, hidden, hidden, 1], seeds, device=device, salt=7)
        self.gen = torch.tensor([[1.0, 0.0]] * k, device=device, requires_grad=True)  # a, b
        self.opt_d = torch.optim.Adam(self.disc.parameters(), lr=lr_d, betas=(0.5, 0.999))
        self.opt_g = torch.optim.Adam([self.gen], lr=lr_g, betas=(0.5, 0.999))

    def fake(self, z: torch.Tensor) -> torch.Tensor:
        a, b = self.gen[:, 0].view(-1, 1, 1), self.gen[:, 1].view(-1, 1, 1)
        return a * z + b

    def d_step(self, real: torch.Tensor, z: torch.Tensor) -> None:
        fake = self.fake(z).detach()
        loss = F.softplus(-self.disc(real)).mean((1, 2)) + F.softplus(self.disc(fake)).mean((1, 2))
        self.opt_d.zero_grad()
        loss.sum().backward()
        self.opt_d.step()

    def g_step(self, z: torch.Tensor) -> None:
        loss = F.softplus(-self.disc(self.fake(z))).mean((1, 2))  # non-saturating
        self.opt_g.zero_grad()
        loss.sum().backward()
        self.opt_g.step()

    def measure(self, x: torch.Tensor, dx: float) -> tuple[torch.Tensor, torch.Tensor]:
        """Per seed: density-weighted mean |D - D*| and G's 2-Wasserstein distance to the data."""
        with torch.no_grad():
            a, b = self.gen[:, 0].abs().clamp(min=1e-3), self.gen[:, 1]
            p_data = normal_pdf(x, DATA_MEAN, DATA_STD)
            p_g = normal_pdf(x.view(1, -1), b.view(-1, 1), a.view(-1, 1))
            d_star = p_data / (p_data + p_g).clamp(min=1e-30)
            grid = x.view(1, -1, 1).expand(len(a), -1, -1)
            d = torch.sigmoid(self.disc(grid)[..., 0])
            gap = ((d - d_star).abs() * (p_data + p_g) / 2).sum(-1) * dx
            w2 = ((b - DATA_MEAN) ** 2 + (a - DATA_STD) ** 2).sqrt()
        return gap, w2


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    k, ratio, lr = int(p["k"]), float(p["ttur_ratio"]), float(p["lr"])
    hidden, batch, every = int(p["hidden"]), int(p["batch"]), int(p["eval_every"])
    device = pick_device(cfg.device)
    small_model_threads(device)
    noise = SeedNoise(cfg.seeds, device)
    runs = {
        "k1": (AffineGAN(cfg.seeds, hidden, lr, lr, device), 1),
        "kk": (AffineGAN(cfg.seeds, hidden, lr, lr, device), k),
        "ttur": (AffineGAN(cfg.seeds, hidden, lr, lr * ratio, device), 1),
    }
    x = torch.linspace(-4.0, 6.0, GRID_POINTS, device=device)
    dx = 10.0 / (GRID_POINTS - 1)
    gaps: dict[str, list[torch.Tensor]] = {name: [] for name in NAMES}
    w2: dict[str, torch.Tensor] = {}
    for step in range(1, cfg.steps + 1):
        # One draw per G step, shared by every arm: D step i of every arm sees batch i.
        real = DATA_MEAN + DATA_STD * noise.randn(k, batch, 1)
        z_d, z_g = noise.randn(k, batch, 1), noise.randn(batch, 1)
        for gan, d_steps in runs.values():
            for i in range(d_steps):
                gan.d_step(real[:, i], z_d[:, i])
            gan.g_step(z_g)
        if step % every == 0 or step == cfg.steps:
            metrics = {}
            for name, (gan, _) in runs.items():
                gap, w2[name] = gan.measure(x, dx)
                gaps[name].append(gap)
                metrics[f"gap_{name}"] = float(gap.mean())
                metrics[f"w2_{name}"] = float(w2[name].mean())
            yield Progress(step, cfg.steps, metrics)

    mean_gap = {name: torch.stack(g).mean(0) for name, g in gaps.items()}
    rel = {name: mean_gap[name] / mean_gap["k1"] for name in ("kk", "ttur")}
    flags = (rel["kk"] < MAX_RATIO) & (rel["ttur"] < MAX_RATIO)
    g = {name: float(v.mean()) for name, v in mean_gap.items()}
    w = {name: float(v.mean()) for name, v in w2.items()}

    def spread(name: str) -> str:
        values = rel[name]
        sd = float(values.std()) if len(values) > 1 else 0.0
        return f"{float(values.mean()):.2f} +- {sd:.2f}"

    detail = (
        f"mean |D - D*| over the run relative to k=1 ({g['k1']:.3f}): k={k} "
        f"{spread('kk')}, TTUR x{ratio:g} {spread('ttur')} (mean +- sd over "
        f"{len(cfg.seeds)} seed(s); bar: below {MAX_RATIO:g}); G's final W2 to the data: "
        f"{w['k1']:.3f}, {w['kk']:.3f}, {w['ttur']:.3f}"
    )
    verdict = Verdict.from_seeds(flags.tolist(), "")
    if verdict.passed:
        verdict.summary = f"extra D steps and a faster D both keep D nearer its optimum: {detail}"
    else:
        verdict.summary = f"no clear benefit of extra and faster D steps for D here: {detail}"
    best = min(g, key=lambda name: g[name])
    answer = 3 if max(g.values()) < MAX_RATIO * min(g.values()) else NAMES.index(best)
    metrics = {f"gap_{n}": v for n, v in g.items()} | {f"w2_{n}": v for n, v in w.items()}
    metrics |= {f"ratio_{n}": float(v.mean()) for n, v in rel.items()}
    metrics |= {f"ratio_{n}_sd": float(v.std()) if len(v) > 1 else 0.0 for n, v in rel.items()}
    return Outcome(verdict, metrics, answer)
