"""Torch helpers shared by the experiments: device choice, seeding, seeds batched in one model.

How an experiment's ``run.py`` uses this module (``K = len(cfg.seeds)``)::

    device = pick_device(cfg.device)
    small_model_threads(device)                       # one CPU thread for tiny tensors
    noise = SeedNoise(cfg.seeds, device)              # one torch.Generator per seed
    gen = BatchedMLP([2, 64, 64, 2], cfg.seeds, device=device)   # K stacked copies
    opt = Adam(gen.parameters(), lr=1e-3)              # elementwise: seeds stay independent
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

Same bits alone or batched (on CPU, one thread). A seed must train identically whatever else
shares its batch; GAN training turns a last-bit difference into a different run. Three CPU
kernels break that unless handled, and the helpers here handle them:

- ``baddbmm`` with an output width of 1 (a discriminator's last layer) takes a
  matrix-vector path whose bits depend on K: :class:`BatchedLinear` pads it to width 2.
- ``softplus``, ``sigmoid``, ``elu`` (and other transcendental elementwise ops) round
  differently in SIMD lanes and in the scalar tail: :class:`BatchedMLP` applies its
  activations through :func:`seedwise`; call ``seedwise(F.softplus, logits)`` in a loss
  whose per-seed size may not be a multiple of :data:`SEED_ROW_ALIGN`.
- ``torch.optim.Adam(fused=True)`` rounds differently in its SIMD and scalar paths: use
  :class:`Adam` (or ``torch.optim.Adam`` without ``fused``).
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
        if self.weight.shape[-1] == 1:
            # A one-column product takes a matrix-vector path on CPU whose bits depend on how
            # many seeds share the batch; one zero column more keeps every seed's arithmetic
            # the same alone or batched (see ``seed_independent_bmm``).
            return seed_independent_bmm(self.bias, x, self.weight)
        return torch.baddbmm(self.bias, x, self.weight)


def seed_independent_bmm(bias: torch.Tensor, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """``torch.baddbmm(bias, x, weight)`` whose row k does not depend on the batch size K.

    On CPU, ``baddbmm`` with an output width of 1 gives different bits for K = 1 than for
    K > 1 (a matrix-vector kernel); widths >= 2 agree bit for bit, forward and backward.
    Padding ``weight`` and ``bias`` with one zero column and dropping it again costs little
    and makes a seed train identically alone or inside ``--seeds``; GAN training amplifies
    any such difference into a different run.
    """
    if weight.shape[-1] != 1:
        return torch.baddbmm(bias, x, weight)
    padded = torch.baddbmm(
        torch.nn.functional.pad(bias, (0, 1)), x, torch.nn.functional.pad(weight, (0, 1))
    )
    return padded[..., :1]


SEED_ROW_ALIGN = 64
"""Elements per seed row at which CPU elementwise kernels see the same vector lanes alone
and batched (AVX-512 loops step 32 floats at a time; 64 covers doubles too)."""


def seedwise(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """``fn(x)`` for an elementwise ``fn`` on ``x`` ``[K, ...]``, each seed's row computed
    with the same bits whether it runs alone or with other seeds.

    CPU kernels of ``softplus``, ``sigmoid``, ``elu`` (and more) run SIMD code over full
    vectors and scalar code over the tail, and the two differ in the last bit. A seed's
    elements land in the tail or not depending on the rows before and after it; padding
    each row to a multiple of :data:`SEED_ROW_ALIGN` puts them in the same lanes either way.
    Rows that are already a multiple (most batch sizes) pass straight through.
    """
    k = x.shape[0] if x.dim() else 0
    if not k or x.is_cuda or (x.numel() // k) % SEED_ROW_ALIGN == 0:
        return fn(x)
    n = x.numel() // k
    padded = torch.nn.functional.pad(x.reshape(k, n), (0, SEED_ROW_ALIGN - n % SEED_ROW_ALIGN))
    return fn(padded)[:, :n].reshape(x.shape)


class Seedwise(nn.Module):
    """An elementwise activation module applied through :func:`seedwise`."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return seedwise(self.inner, x)


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
                layers.append(Seedwise(_ACTIVATIONS[activation]()))
        if out is not None:
            layers.append(Seedwise(_ACTIVATIONS[out]()))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class Adam:
    """Adam (Kingma & Ba 2015, Algorithm 1) without ``torch.optim``, for batched seeds.

    The update follows ``torch.optim.adam._single_tensor_adam`` op for op, so it matches
    ``torch.optim.Adam(foreach=False)`` bit for bit (``tests/models/test_torchutil.py``).
    Two reasons to prefer it: ``torch.optim.Optimizer.__init__`` imports ``torch._dynamo``
    (about 2 s of a run's budget on this machine), and its ops (lerp, mul, addcmul, sqrt,
    addcdiv) give the same bits in SIMD and scalar code, so a seed's update does not depend
    on the seeds batched beside it. ``torch.optim.Adam(fused=True)`` does not have that
    property: its vectorised and scalar paths round differently.
    """

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

    def zero_grad(self, set_to_none: bool = True) -> None:
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
