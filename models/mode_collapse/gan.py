"""A small 2-D GAN, stacked over seeds, with the anti-collapse fixes as switches.

``GanSetup`` picks the loss (non-saturating ``ns`` or ``wgan-gp``), PacGAN packing (the
discriminator judges ``pack`` samples at once), minibatch standard deviation (an extra input
feature: the batch's spread) and the learning rates. One :class:`Gan` trains K seeds at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from models.mode_collapse.mixtures import Mixture
from models.torchutil import BatchedMLP, SeedNoise, seed_sum


@dataclass(frozen=True)
class GanSetup:
    loss: str = "ns"
    pack: int = 1
    mbstd: bool = False
    lr_g: float = 1e-3
    lr_d: float = 1e-3
    d_steps: int = 1
    gp_weight: float = 0.1


class Gan:
    """Generator z -> R^2 and discriminator (or critic) on packed samples, K seeds at once."""

    def __init__(
        self,
        setup: GanSetup,
        seeds: tuple[int, ...],
        device: torch.device,
        *,
        hidden: int = 128,
        z_dim: int = 2,
        salt: int = 0,
    ) -> None:
        self.setup = setup
        self.z_dim = z_dim
        self.gen = BatchedMLP([z_dim, hidden, hidden, 2], seeds, device=device, salt=salt + 1)
        d_in = 2 * setup.pack + (1 if setup.mbstd else 0)
        self.disc = BatchedMLP(
            [d_in, hidden, hidden, 1], seeds, activation="leaky_relu", device=device, salt=salt + 2
        )
        betas = (0.5, 0.9) if setup.loss == "wgan-gp" else (0.5, 0.999)
        self.opt_g = torch.optim.Adam(self.gen.parameters(), lr=setup.lr_g, betas=betas)
        self.opt_d = torch.optim.Adam(self.disc.parameters(), lr=setup.lr_d, betas=betas)

    def sample(self, noise: SeedNoise, n: int) -> torch.Tensor:
        return self.gen(noise.randn(n, self.z_dim))

    def judge(self, x: torch.Tensor) -> torch.Tensor:
        """D's score of ``[K, B, 2]`` samples packed ``pack`` at a time: ``[K, B // pack]``."""
        k, b, _ = x.shape
        pack = self.setup.pack
        packed = x[:, : b - b % pack].reshape(k, b // pack, 2 * pack)
        if self.setup.mbstd:
            spread = x.std(dim=1).mean(dim=1)  # [K]: how spread out this batch is
            packed = torch.cat([packed, spread.view(k, 1, 1).expand(k, packed.shape[1], 1)], 2)
        return self.disc(packed).squeeze(-1)

    def step(self, noise: SeedNoise, mix: Mixture, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        """One generator update after ``d_steps`` discriminator updates; per-seed losses."""
        d_loss = torch.zeros(())
        for _ in range(self.setup.d_steps):
            real = mix.sample(noise, batch)
            with torch.no_grad():
                fake = self.sample(noise, batch)
            d_loss = self._d_loss(real, fake, noise)
            self.opt_d.zero_grad(set_to_none=True)
            seed_sum(d_loss).backward()
            self.opt_d.step()
        score = self.judge(self.sample(noise, batch))
        g_loss = (-score if self.setup.loss == "wgan-gp" else F.softplus(-score)).mean(dim=1)
        self.opt_g.zero_grad(set_to_none=True)
        seed_sum(g_loss).backward()
        self.opt_g.step()
        return d_loss.detach(), g_loss.detach()

    def _d_loss(self, real: torch.Tensor, fake: torch.Tensor, noise: SeedNoise) -> torch.Tensor:
        s_real, s_fake = self.judge(real), self.judge(fake)
        if self.setup.loss != "wgan-gp":
            return (F.softplus(-s_real) + F.softplus(s_fake)).mean(dim=1)
        alpha = noise.rand(real.shape[1], 1)
        mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        (grad,) = torch.autograd.grad(self.judge(mixed).sum(), mixed, create_graph=True)
        penalty = (grad.norm(dim=2) - 1).pow(2).mean(dim=1)
        return (s_fake - s_real).mean(dim=1) + self.setup.gp_weight * penalty
