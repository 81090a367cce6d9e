"""Both arms of the mode-collapse experiment, every seed, in one set of stacked weights.

Rows ``0..K-1`` are the k-step arm (``d_steps`` discriminator updates per generator update,
a more effective D), rows ``K..2K-1`` the 1-step arm. A training step is ``d_steps - 1``
discriminator updates of the k-step arm's rows, one of all rows, then one generator update of
all rows (:class:`models.mode_collapse.adam.RowAdam` moves a leading block of rows). So
both arms and all seeds take one batched step, with no per-arm or per-seed Python loop.

Each row draws its batches from its own stream: by default a seed's two
arms start from the same weights and see the same batches, so they differ only in the
number of D updates; ``independent`` gives the 1-step arm other weights and other batches
(the null control). ``mbstd``: D also sees the minibatch standard deviation (Karras et al.
2018), the spread of the batch being judged, so a generator that puts its samples on a few
modes is caught by their small spread. The spread enters through a layer of its own, so with
and without it the rest of D starts from the same weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from models.mode_collapse.adam import RowAdam
from models.mode_collapse.mixtures import Mixture
from models.torchutil import (
    BatchedLinear,
    BatchedMLP,
    make_generator,
    seed_independent_bmm,
    seedwise,
)

NULL_SEED_OFFSET = 1_000_033
"""Init and stream seed offset of the 1-step arm under ``independent`` (the null control)."""
DRAW_BLOCK = 25
"""Steps of batches drawn at once per stream (fewer, larger draws; the same numbers)."""


def forward_with(mlp: BatchedMLP, x: torch.Tensor, params: list[torch.Tensor]) -> torch.Tensor:
    """``mlp(x)`` computed with ``params`` (views of its own, e.g. its first rows or the first
    layer's first inputs) in place of its parameters; autograd reaches only those views."""
    it = iter(params)
    for layer in mlp.net:
        if isinstance(layer, BatchedLinear):
            weight, bias = next(it), next(it)
            x = seed_independent_bmm(bias, x, weight)
        else:
            x = layer(x)
    return x


def _leaky(x: torch.Tensor) -> torch.Tensor:
    return seedwise(lambda t: F.leaky_relu(t, 0.2), x)


class Discriminator(nn.Module):
    """D: 2 -> hidden -> hidden -> 1 (leaky ReLU), and for ``mbstd`` a separate layer that
    feeds the batch's per-feature spread into the second hidden layer (drawn from its own
    stream, so a plain D starts from the same weights whether or not it exists)."""

    def __init__(self, hidden: int, rows: tuple[int, ...], device: torch.device) -> None:
        super().__init__()
        gens = [make_generator(int(s) * 1_000_003 + 2, device) for s in rows]
        # The last layer has 2 outputs of which only the first is D's logit: a one-column
        # product's bits would depend on the number of rows (see models.torchutil); the
        # second column gets no gradient and never moves.
        self.main = nn.Sequential(
            BatchedLinear(2, hidden, gens, device),
            BatchedLinear(hidden, hidden, gens, device),
            BatchedLinear(hidden, 2, gens, device),
        )
        spread_gens = [make_generator(int(s) * 1_000_003 + 3, device) for s in rows]
        self.spread = BatchedLinear(hidden, hidden, spread_gens, device)


class TwoArmGan:
    """Generators z -> R^2 and discriminators for both arms of every seed."""

    def __init__(
        self,
        seeds: tuple[int, ...],
        device: torch.device,
        p: Mapping[str, Any],
        *,
        independent: bool = False,
    ) -> None:
        self.k = len(seeds)
        self.d_steps = int(p["d_steps"])
        self.z_dim, hidden = int(p["z_dim"]), int(p["hidden"])
        self.batch = int(p["batch"])
        self.mbstd = bool(p["mbstd"])
        offset = NULL_SEED_OFFSET if independent else 0
        rows = (*seeds, *(s + offset for s in seeds))
        self.gen = BatchedMLP([self.z_dim, hidden, hidden, 2], rows, device=device, salt=1)
        self.disc = Discriminator(hidden, rows, device)
        trained = self.disc if self.mbstd else self.disc.main
        betas = (0.5, 0.999)
        self.opt_g = RowAdam(self.gen, lr=float(p["lr_g"]), betas=betas)
        self.opt_d = RowAdam(trained, lr=float(p["lr_d"]), betas=betas)
        self.generators = [make_generator(s, device) for s in rows]
        self.device = device
        self.g_params = list(self.gen.parameters())
        self.disc_params = list(trained.parameters())
        self.drawn: list[torch.Tensor] = []
        self.left = 0

    def d_params(self, rows: int | None = None) -> list[torch.Tensor]:
        """D's trained parameters (main layers, then the spread layer with ``mbstd``); the
        first ``rows`` rows of each, all rows when None."""
        if rows is None:
            return list(self.disc_params)
        return [p[:rows] for p in self.disc_params]

    def judge(self, params: list[torch.Tensor], *batches: torch.Tensor) -> list[torch.Tensor]:
        """D's logits ``[r, B]`` for each batch of points ``[r, B, 2]``, in one pass, with
        ``params`` (:meth:`d_params`). With ``mbstd``, each batch's spread, the standard
        deviation of each first-layer feature over the batch (Karras et al. 2018, Sec. 3,
        there averaged to one number), enters the second layer through its own weights."""
        w1, b1, w2, b2, w3, b3, *spread_layer = params
        sizes = [b.shape[1] for b in batches]
        h = _leaky(torch.baddbmm(b1, torch.cat(batches, dim=1), w1))
        pre = torch.baddbmm(b2, h, w2)
        if self.mbstd:
            ws, bs = spread_layer
            spread = torch.cat(
                [
                    part.std(dim=1, keepdim=True).expand(-1, part.shape[1], -1)
                    for part in h.split(sizes, dim=1)
                ],
                dim=1,
            )
            pre = pre + torch.baddbmm(bs, spread, ws)
        h = _leaky(pre)
        logits = torch.baddbmm(b3, h, w3)[..., 0]
        return list(logits.split(sizes, dim=1))

    def draw(self, mix: Mixture) -> tuple[torch.Tensor, torch.Tensor]:
        """This step's real points ``[R, n, B, 2]`` and latents ``[R, n, B, z]`` (``n`` =
        d_steps); each row's from its own stream, drawn ``DRAW_BLOCK`` steps at a time."""
        if not self.left:
            shape = (DRAW_BLOCK, self.d_steps, self.batch)
            idx, eps, z = (
                torch.stack(t)
                for t in zip(
                    *(
                        (
                            torch.randint(mix.n_modes, shape, generator=g, device=self.device),
                            torch.randn((*shape, 2), generator=g, device=self.device),
                            torch.randn((*shape, self.z_dim), generator=g, device=self.device),
                        )
                        for g in self.generators
                    ),
                    strict=True,
                )
            )
            real = mix.centers[idx] + mix.std * eps
            self.drawn = [real.unbind(1), z.unbind(1)]  # type: ignore[list-item]
            self.left = DRAW_BLOCK
        i = DRAW_BLOCK - self.left
        self.left -= 1
        return self.drawn[0][i], self.drawn[1][i]  # type: ignore[index]

    def step(self, mix: Mixture) -> tuple[torch.Tensor, torch.Tensor]:
        """``d_steps`` D updates (the 1-step arm takes only the last) then one G update judged
        by the updated D (non-saturating loss); per-row losses ``[R]`` (D's last update)."""
        n, b, k = self.d_steps, self.batch, self.k
        real, z = self.draw(mix)
        if n > 1:  # the k-step arm's extra updates, its rows only; G is fixed meanwhile
            with torch.no_grad():
                g_rows = [p[:k] for p in self.g_params]
                fakes = forward_with(self.gen, z[:k, : n - 1].reshape(k, -1, self.z_dim), g_rows)
                fakes = fakes.view(k, n - 1, b, 2)
            for j in range(n - 1):
                strong = self.d_params(k)
                l_real, l_fake = self.judge(strong, real[:k, j], fakes[:, j])
                loss = (seedwise(F.softplus, -l_real) + seedwise(F.softplus, l_fake)).mean(1)
                self.opt_d.step(torch.autograd.grad(loss.sum(), strong), rows=k)
        fake = self.gen(z[:, -1])  # one G forward serves both last updates
        params = self.d_params()
        l_real, l_fake = self.judge(params, real[:, -1], fake.detach())
        d_loss = (seedwise(F.softplus, -l_real) + seedwise(F.softplus, l_fake)).mean(1)
        self.opt_d.step(torch.autograd.grad(d_loss.sum(), params))
        (l_fake,) = self.judge(self.d_params(), fake)
        g_loss = seedwise(F.softplus, -l_fake).mean(1)
        self.opt_g.step(torch.autograd.grad(g_loss.sum(), self.g_params))
        return d_loss.detach(), g_loss.detach()

    @torch.no_grad()
    def sample(self, z: torch.Tensor) -> torch.Tensor:
        """``[R, N, 2]`` points for latents ``z`` ``[R, N, z_dim]``."""
        return self.gen(z)
