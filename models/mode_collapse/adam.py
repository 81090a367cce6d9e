"""Adam without ``torch.optim``: the same arithmetic as torch's single-tensor Adam.

``torch.optim.Optimizer.__init__`` imports ``torch._dynamo`` (about 2 s on this machine),
more than this experiment's budget allows; the update below follows
``torch.optim.adam._single_tensor_adam`` op for op, so results match it bit for bit
(``tests/models/test_mode_collapse.py`` checks this). Kingma & Ba 2015, Algorithm 1.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch


class Adam:
    """Adam on ``params`` with learning rate ``lr``, ``betas`` and ``eps`` (no weight decay)."""

    def __init__(
        self,
        params: Iterable[torch.Tensor],
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        self.params = list(params)
        self.lr, self.betas, self.eps = lr, betas, eps
        self.t = 0
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        b1, b2 = self.betas
        self.t += 1
        step_size = self.lr / (1 - b1**self.t)
        bias2_sqrt = (1 - b2**self.t) ** 0.5
        for p, m, v in zip(self.params, self.m, self.v, strict=True):
            if p.grad is None:
                continue
            g = p.grad
            m.lerp_(g, 1 - b1)
            v.mul_(b2).addcmul_(g, g, value=1 - b2)
            p.addcdiv_(m, (v.sqrt() / bias2_sqrt).add_(self.eps), value=-step_size)
