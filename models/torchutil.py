"""Torch helpers shared by the experiments: device choice, seeding, seeds batched in one model.

How an experiment's ``run.py`` uses this module (``K = len(cfg.seeds)``)::

    device = pick_device(cfg.device)
    small_model_threads(device)                       # one CPU thread for tiny tensors
    noise = SeedNoise(cfg.seeds, device)              # one torch.Generator per seed
    gen = BatchedMLP([2, 64, 64, 2], cfg.seeds, device=device)   # K stacked copies
    opt = torch.optim.Adam(gen.parameters(), lr=1e-3)  # elementwise: seeds stay independent
    for step in range(1, cfg.steps + 1):
        z = noise.randn(256, 2)                        # [K, 256, 2], seed k's stream in row k
        loss_k = loss_fn(gen(z))                       # one scalar per seed: [K]
        opt.zero_grad(); seed_sum(loss_k).backward(); opt.step()
        yield Progress(step, cfg.steps, {"loss": float(loss_k.mean())})

Every tensor carries a leading seed axis ``K``. Because the seeds' weights never mix and the
total loss is a plain *sum* over seeds, each seed's gradient is exactly the gradient it would
have alone; Adam/SGD act elementwise, so ``--seeds 5`` trains five independent runs in one set
of tensor ops (``torch.baddbmm``) instead of five runs in a row. Each seed's initial weights and
noise come from its own generator, so seed 3 in a batch starts exactly like seed 3 run alone.
Per-seed quantities (gradient norms, metrics) are reduced with :func:`per_seed_grad_norm` and
friends; the verdict then counts how many seeds agree (:func:`count_agreeing`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import torch
from torch import nn

from models.base import ParamError, seeds_pass

DEVICES = ("auto", "cpu", "cuda")


def pick_device(requested: str = "auto") -> torch.device:
    """``auto``: CUDA when available, else CPU; ``cuda`` without a GPU is a ParamError."""
    name = (requested or "auto").strip().lower()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ParamError(
                f"device {requested!r} asked for, but torch {torch.__version__} sees no CUDA GPU; "
                "use --device cpu or auto"
            )
        return torch.device(name)
    raise ParamError(f"unknown device {requested!r}; valid: {', '.join(DEVICES)}")


def device_name(requested: str = "auto") -> str:
    """The concrete device string (``cpu``/``cuda``) that :func:`pick_device` resolves to."""
    return str(pick_device(requested))


def make_generator(seed: int, device: torch.device | str = "cpu") -> torch.Generator:
    """A torch.Generator on ``device`` seeded with ``seed`` (no global state touched)."""
    gen = torch.Generator(device=torch.device(device))
    gen.manual_seed(int(seed))
    return gen


class SeedNoise:
    """One generator per seed; draws tensors with a leading seed axis ``[K, ...]``."""

    def __init__(self, seeds: Sequence[int], device: torch.device | str = "cpu") -> None:
        self.seeds = tuple(int(s) for s in seeds)
        self.device = torch.device(device)
        self.generators = [make_generator(s, self.device) for s in self.seeds]

    @property
    def k(self) -> int:
        return len(self.seeds)

    def randn(self, *shape: int) -> torch.Tensor:
        """Standard normal ``[K, *shape]``; row k comes from seed k's stream."""
        return torch.stack(
            [torch.randn(shape, generator=g, device=self.device) for g in self.generators]
        )

    def rand(self, *shape: int) -> torch.Tensor:
        """Uniform [0, 1) ``[K, *shape]``."""
        return torch.stack(
            [torch.rand(shape, generator=g, device=self.device) for g in self.generators]
        )

    def randint(self, high: int, *shape: int) -> torch.Tensor:
        """Integers in [0, high) ``[K, *shape]`` (e.g. mixture component or minibatch indices)."""
        return torch.stack(
            [torch.randint(high, shape, generator=g, device=self.device) for g in self.generators]
        )


class BatchedLinear(nn.Module):
    """K independent ``nn.Linear`` layers applied with one ``baddbmm``: ``[K,B,i] -> [K,B,o]``.

    Seed k's weights are initialised like ``nn.Linear`` (Kaiming-uniform bound 1/sqrt(i)) from
    ``generators[k]``, so the init does not depend on which other seeds share the batch.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        generators: Sequence[torch.Generator],
        device: torch.device | str = "cpu",
    ) -> None:
        super().__init__()
        bound = 1.0 / math.sqrt(in_features)
        dev = torch.device(device)

        def uniform(*shape: int, gen: torch.Generator) -> torch.Tensor:
            return (torch.rand(shape, generator=gen, device=dev) * 2 - 1) * bound

        self.weight = nn.Parameter(
            torch.stack([uniform(in_features, out_features, gen=g) for g in generators])
        )
        self.bias = nn.Parameter(torch.stack([uniform(1, out_features, gen=g) for g in generators]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.baddbmm(self.bias, x, self.weight)


_ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "tanh": nn.Tanh,
    "elu": nn.ELU,
    "sigmoid": nn.Sigmoid,
}


class BatchedMLP(nn.Module):
    """An MLP with weights stacked over seeds: ``sizes=[2, 64, 64, 1]`` maps ``[K,B,2]->[K,B,1]``.

    ``seeds`` gives the number of copies K and each copy's init seed. ``activation`` is applied
    between layers (not after the last); ``out`` is an optional final activation.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        seeds: Sequence[int],
        *,
        activation: str = "relu",
        out: str | None = None,
        device: torch.device | str = "cpu",
        salt: int = 0,
    ) -> None:
        super().__init__()
        if len(sizes) < 2:
            raise ValueError("BatchedMLP needs at least input and output sizes")
        if activation not in _ACTIVATIONS or (out is not None and out not in _ACTIVATIONS):
            raise ValueError(f"activation must be one of {', '.join(_ACTIVATIONS)}")
        self.k = len(seeds)
        # ``salt`` separates the init streams of two networks built from the same seeds (G and D).
        gens = [make_generator(int(s) * 1_000_003 + salt, device) for s in seeds]
        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
            layers.append(BatchedLinear(n_in, n_out, gens, device))
            if i < len(sizes) - 2:
                layers.append(_ACTIVATIONS[activation]())
        if out is not None:
            layers.append(_ACTIVATIONS[out]())
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def seed_sum(per_seed: torch.Tensor) -> torch.Tensor:
    """Total loss to backpropagate: the sum over seeds keeps each seed's gradient unscaled."""
    return per_seed.sum()


def gradient_penalty(critic: nn.Module, points: torch.Tensor) -> torch.Tensor:
    """WGAN-GP's penalty per seed (Gulrajani et al. 2017): the batch mean of
    ``(|grad_x critic(x)| - 1)^2`` at ``points`` ``[K, B, D]`` (which must require grad)."""
    (grad,) = torch.autograd.grad(critic(points).sum(), points, create_graph=True)
    return (grad.norm(dim=-1) - 1).pow(2).mean(-1)


def per_seed_grad_norm(params: Iterable[torch.Tensor]) -> torch.Tensor:
    """L2 norm of the gradient of each seed's copy: ``[K]`` (params have a leading K axis)."""
    total: torch.Tensor | None = None
    for p in params:
        if p.grad is None:
            continue
        sq = p.grad.detach().pow(2).flatten(1).sum(dim=1)
        total = sq if total is None else total + sq
    if total is None:
        raise ValueError("no gradients to measure")
    return total.sqrt()


def per_seed_clip_(params: Iterable[torch.Tensor], max_norm: float) -> torch.Tensor:
    """Clip each seed's gradient to ``max_norm`` separately; returns the norms before clipping."""
    params = [p for p in params if p.grad is not None]
    norms = per_seed_grad_norm(params)
    scale = (max_norm / (norms + 1e-6)).clamp(max=1.0)
    for p in params:
        assert p.grad is not None
        p.grad.mul_(scale.view(-1, *([1] * (p.grad.dim() - 1))))
    return norms


def count_agreeing(flags: Sequence[bool]) -> tuple[int, int]:
    """``(how many seeds passed, how many seeds)`` for ``Verdict.seeds_agreed/seeds_total``."""
    return sum(bool(f) for f in flags), len(flags)


def majority(agreed: int, total: int) -> bool:
    """The multi-seed pass rule (:func:`models.base.seeds_pass`) from counts; prefer
    ``Verdict.from_seeds(flags, summary)``, which also records which seeds passed."""
    return seeds_pass([True] * agreed + [False] * (total - agreed))


def to_numpy(t: torch.Tensor) -> Any:
    """Detached CPU numpy copy of ``t`` (works for CUDA tensors too)."""
    return t.detach().to("cpu").numpy()


def small_model_threads(device: torch.device) -> None:
    """Use one CPU thread for tiny tensors: on a busy 2-core machine, OpenMP's second thread
    made elementwise ops on ~3,000 floats 100x slower (3 ms per ``exp``). No-op on CUDA."""
    if device.type == "cpu":
        torch.set_num_threads(1)
