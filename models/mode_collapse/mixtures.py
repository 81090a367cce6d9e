"""2-D Gaussian mixtures (ring of 8, 5x5 grid) and the VEEGAN/PacGAN mode metrics, in torch.

Every function works on a leading seed axis ``K`` so batched seeds are scored at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from models.torchutil import SeedNoise


@dataclass(frozen=True)
class Mixture:
    """Equal-weight isotropic Gaussians at ``centers`` ``[M, 2]``, standard deviation ``std``."""

    name: str
    centers: torch.Tensor
    std: float

    @property
    def n_modes(self) -> int:
        return int(self.centers.shape[0])

    def sample(self, noise: SeedNoise, n: int) -> torch.Tensor:
        """``[K, n, 2]`` samples, each seed from its own stream."""
        idx = noise.randint(self.n_modes, n)
        return self.centers[idx] + self.std * noise.randn(n, 2)


def ring(n: int = 8, radius: float = 2.0, std: float = 0.02, device: str = "cpu") -> Mixture:
    """``n`` modes evenly spaced on a circle (Metz et al. 2017 use radius 2, std 0.02)."""
    angles = torch.arange(n, dtype=torch.float32, device=device) * (2 * math.pi / n)
    centers = radius * torch.stack([angles.cos(), angles.sin()], dim=1)
    return Mixture(f"ring of {n}", centers, std)


def grid(side: int = 5, spacing: float = 2.0, std: float = 0.05, device: str = "cpu") -> Mixture:
    """``side x side`` modes on a square grid centred at 0 (VEEGAN/PacGAN: spacing 2, std 0.05)."""
    coords = (torch.arange(side, dtype=torch.float32, device=device) - (side - 1) / 2) * spacing
    xs, ys = torch.meshgrid(coords, coords, indexing="ij")
    centers = torch.stack([xs.flatten(), ys.flatten()], dim=1)
    return Mixture(f"grid of {side * side}", centers, std)


def make_mixture(name: str, device: str = "cpu") -> Mixture:
    """``ring8``: radius 2, std 0.05 (wider than Metz's 0.02 so short CPU runs can reach the
    modes); ``grid25``: spacing 2, std 0.05."""
    if name == "ring8":
        return ring(std=0.05, device=device)
    if name == "grid25":
        return grid(device=device)
    raise ValueError(f"unknown mixture {name!r}; valid: ring8, grid25")


@dataclass
class ModeScores:
    """Per-seed scores of a sample set; each field is ``[K]`` (float tensors).

    ``precision``: share of samples within ``k_std`` std of their nearest mode (quality).
    ``modes``: modes that received at least ``min_share`` of the samples as high-quality
    ones; ``recall`` is ``modes / M`` (coverage). ``top_share``: share of the high-quality
    samples on the busiest mode (1.0: all on one mode), NaN where no sample is high quality.
    ``distance``: median distance of a sample to its nearest mode, in units of the std.
    """

    precision: torch.Tensor
    modes: torch.Tensor
    recall: torch.Tensor
    top_share: torch.Tensor
    distance: torch.Tensor


def score(
    samples: torch.Tensor, mix: Mixture, k_std: float = 3.0, min_share: float = 0.02
) -> ModeScores:
    """Precision and recall of ``[K, N, 2]`` samples against the mixture's modes.

    The mode-based form of precision/recall (Sajjadi et al. 2018; Kynkäänniemi et al. 2019
    use k-NN balls, here the mixture is known): a sample is *high quality* when it lies
    within ``k_std`` std of its nearest mode; a mode is *covered* when at least
    ``min_share`` of all samples are high-quality samples on it. Nothing is filled in: a
    sample set with no high-quality sample has precision 0, recall 0 and top_share NaN.
    """
    dists = torch.cdist(samples, mix.centers.unsqueeze(0).expand(samples.shape[0], -1, -1))
    nearest_d, nearest = dists.min(dim=2)
    good = nearest_d <= k_std * mix.std
    counts = torch.zeros(samples.shape[0], mix.n_modes, device=samples.device)
    counts.scatter_add_(1, nearest, good.float())
    n = samples.shape[1]
    modes = (counts >= min_share * n).float().sum(dim=1)
    total = counts.sum(dim=1)
    top = torch.where(total > 0, counts.amax(dim=1) / total.clamp(min=1), math.nan)
    return ModeScores(
        precision=good.float().mean(dim=1),
        modes=modes,
        recall=modes / mix.n_modes,
        top_share=top,
        distance=nearest_d.median(dim=1).values / mix.std,
    )
