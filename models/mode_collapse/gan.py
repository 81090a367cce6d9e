"""A small 2-D GAN (non-saturating loss) stacked over rows, with minibatch std as a switch.

``d_steps`` D updates per G update make D more effective (closer to its optimum).

Each row of the stacked weights is one independent GAN. ``mbstd`` marks the rows whose
discriminator also sees the *minibatch standard deviation* (Karras et al. 2018): one extra
input, the spread of the batch being judged, so a generator that puts every sample on one
mode is caught by its tiny spread. Rows without it get 0 on that input, which is exactly a
plain discriminator (a zero input contributes nothing and its weights get no gradient), so
plain and fixed GANs from the same seed start from the same weights and train side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F

from models.mode_collapse.adam import Adam
from models.mode_collapse.mixtures import Mixture
from models.torchutil import BatchedMLP, SeedNoise, seed_sum


class Gan:
    """Generator z -> R^2 and discriminator, one per row of ``seeds`` (rows may repeat seeds)."""

    def __init__(
        self,
        seeds: tuple[int, ...],
        mbstd: torch.Tensor,
        device: torch.device,
        *,
        lr_g: float,
        lr_d: float,
        hidden: int = 64,
        z_dim: int = 16,
    ) -> None:
        self.z_dim = z_dim
        self.mbstd = mbstd.float().view(-1, 1, 1)
        self.gen = BatchedMLP([z_dim, hidden, hidden, 2], seeds, device=device, salt=1)
        self.disc = BatchedMLP(
            [3, hidden, hidden, 1], seeds, activation="leaky_relu", device=device, salt=2
        )
        self.opt_g = Adam(self.gen.parameters(), lr=lr_g, betas=(0.5, 0.999))
        self.opt_d = Adam(self.disc.parameters(), lr=lr_d, betas=(0.5, 0.999))

    @classmethod
    def for_params(
        cls, seeds: tuple[int, ...], mbstd: torch.Tensor, device: torch.device,
        p: Mapping[str, Any],
    ) -> Gan:  # fmt: skip
        """A GAN with the experiment's resolved settings (learning rates, sizes)."""
        return cls(
            seeds, mbstd, device, lr_g=float(p["lr_g"]), lr_d=float(p["lr_d"]),
            hidden=int(p["hidden"]), z_dim=int(p["z_dim"]),
        )  # fmt: skip

    def sample(self, noise: SeedNoise, n: int) -> torch.Tensor:
        """``[R, n, 2]`` generated points."""
        return self.gen(noise.randn(n, self.z_dim))

    def judge(self, x: torch.Tensor) -> torch.Tensor:
        """D's logits ``[R, B]`` for ``[R, B, 2]`` points, with the batch spread as 3rd input."""
        spread = x.std(dim=1).mean(dim=1).view(-1, 1, 1) * self.mbstd
        return self.disc(torch.cat([x, spread.expand(-1, x.shape[1], 1)], dim=2)).squeeze(-1)

    def d_update(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """One discriminator update on ``[R, B, 2]`` real and (detached) fake points."""
        d_loss = (F.softplus(-self.judge(real)) + F.softplus(self.judge(fake.detach()))).mean(1)
        self.opt_d.zero_grad()
        seed_sum(d_loss).backward()
        self.opt_d.step()
        return d_loss.detach()

    def step(
        self, noise: SeedNoise, mix: Mixture, batch: int, d_steps: int = 1
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``d_steps`` D updates (fresh batches) then one G update (non-saturating loss),
        judged by the updated D; per-row losses ``[R]`` (D's from its last update)."""
        for _ in range(d_steps - 1):
            with torch.no_grad():
                fake = self.sample(noise, batch)
            self.d_update(mix.sample(noise, batch), fake)
        real = mix.sample(noise, batch)
        fake = self.sample(noise, batch)  # one G forward serves both updates
        d_loss = self.d_update(real, fake)
        g_loss = F.softplus(-self.judge(fake)).mean(dim=1)
        self.opt_g.zero_grad()
        seed_sum(g_loss).backward()
        self.opt_g.step()
        return d_loss, g_loss.detach()
