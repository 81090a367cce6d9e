"""Adam over one flat buffer per network, with rows that may sit a step out.

:class:`RowAdam` serves the two-arm GAN, whose stacked rows take different numbers of
updates: the k-step arm's discriminator updates k times per generator step, the 1-step
arm's once. ``step(grads, rows)`` moves only the first ``rows`` rows (the k-step arm's) and
counts steps per row, so each row follows Adam (Kingma & Ba 2015, Algorithm 1) with its own
bias correction, exactly as if it had been trained alone. The network's parameters are views
into one ``[R, N]`` buffer (``N`` padded to a multiple of 64 so every row sees the same SIMD
lanes), so an update is a handful of tensor ops instead of a handful per parameter.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from models.torchutil import SEED_ROW_ALIGN


class RowAdam:
    """Adam on ``module``'s parameters (each ``[R, ...]``); a step may move only the first rows."""

    def __init__(
        self,
        module: nn.Module,
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        params = list(module.parameters())
        rows = params[0].shape[0]
        sizes = [p[0].numel() for p in params]
        total = sum(sizes)
        width = total + (-total) % SEED_ROW_ALIGN
        device = params[0].device
        self.flat = torch.zeros(rows, width, device=device)
        offset = 0
        for name, p, size in zip(_names(module), params, sizes, strict=True):
            self.flat[:, offset : offset + size] = p.detach().reshape(rows, size)
            view = self.flat[:, offset : offset + size].view(p.shape)
            _set_param(module, name, nn.Parameter(view))
            offset += size
        self.params: Sequence[torch.Tensor] = list(module.parameters())
        self.pad = width - total
        self.lr, self.betas, self.eps = lr, betas, eps
        self.m = torch.zeros_like(self.flat)
        self.v = torch.zeros_like(self.flat)
        self.t = [0] * rows

    @torch.no_grad()
    def step(self, grads: Sequence[torch.Tensor], rows: int | None = None) -> None:
        """Apply ``grads`` (one per parameter, as ``torch.autograd.grad`` returns them) to
        the first ``rows`` rows (all rows when None); the other rows do not move."""
        n = self.flat.shape[0] if rows is None else rows
        parts = [g.reshape(n, -1) for g in grads]
        if self.pad:
            parts.append(self.flat.new_zeros(n, self.pad))
        g = torch.cat(parts, dim=1)
        b1, b2 = self.betas
        for i in range(n):
            self.t[i] += 1
        flat, m, v = self.flat[:n], self.m[:n], self.v[:n]
        m.lerp_(g, 1 - b1)
        v.mul_(b2).addcmul_(g, g, value=1 - b2)
        counts = set(self.t[:n])
        if len(counts) == 1:  # one bias correction for all rows: plain floats
            (t,) = counts
            denom = (v.sqrt() / math.sqrt(1 - b2**t)).add_(self.eps)
            flat.addcdiv_(m, denom, value=-self.lr / (1 - b1**t))
            return
        t_rows = torch.tensor(self.t[:n], dtype=flat.dtype, device=flat.device).view(-1, 1)
        denom = (v.sqrt() / (1 - b2**t_rows).sqrt()).add_(self.eps)
        flat.addcdiv_(m * (-self.lr / (1 - b1**t_rows)), denom)


def _names(module: nn.Module) -> list[str]:
    return [name for name, _ in module.named_parameters()]


def _set_param(module: nn.Module, dotted: str, param: nn.Parameter) -> None:
    """Replace the parameter at ``a.b.weight`` with ``param``."""
    *path, leaf = dotted.split(".")
    owner = module
    for part in path:
        owner = getattr(owner, part)
    setattr(owner, leaf, param)
