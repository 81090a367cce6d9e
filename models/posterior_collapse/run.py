"""VAEs on 8x8 digits whose decoder is autoregressive (MADE) or factorised, trained at once.

Rows of the stacked weights: four arms times the seeds. Each arm's decoder outputs Bernoulli
logits ``mlp(z) + ar * made(x)``: ``made`` sees only the pixels before each pixel (Germain et
al. 2015 masks), and ``ar`` is 1 for an autoregressive row and 0 for a factorised one (a zero
path contributes nothing and its weights get no gradient), so all arms start from the same
weights.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from models.base import Outcome, Progress, RunConfig, Verdict, seeds_pass
from models.digits import as_images, load_digits_split
from models.torchutil import (
    Adam,
    BatchedLinear,
    BatchedMLP,
    SeedNoise,
    make_generator,
    pick_device,
    seed_sum,
    seedwise,
    small_model_threads,
)

ARMS = ("plain", "free_bits", "annealed", "factorised")
"""beta = 1 with the chosen decoder; free bits; KL annealing; a factorised decoder at beta 1."""
ACTIVE_VAR = 0.01
"""A latent unit is active when Var_x(E[z|x]) exceeds this (Burda et al. 2016)."""
COLLAPSED_KL = 0.25
"""The plain arm has collapsed when its KL is below 0.25 nats per digit: the mean KL bounds
the information z carries about x, so z then tells almost nothing about the digit."""
IN_USE_NATS = 1.0
"""A remedy keeps z in use when z tells at least 1 nat about x (I(x; z), see ``information``);
a collapsed arm's is below 0.1, an untrained one's about 0.03."""
KEYS = ("kl", "info", "active", "recon")
"""The per-arm measurements on the test digits."""
PIXELS = 64


class Made(nn.Module):
    """A one-hidden-layer MADE over 64 pixels, stacked over rows: logit i sees pixels < i."""

    mask_in: torch.Tensor
    mask_out: torch.Tensor

    def __init__(self, rows: tuple[int, ...], hidden: int, device: torch.device) -> None:
        super().__init__()
        gens = [make_generator(s * 1_000_003 + 31, device) for s in rows]
        self.inp = BatchedLinear(PIXELS, hidden, gens, device)
        self.out = BatchedLinear(hidden, PIXELS, gens, device)
        degree = torch.arange(hidden, device=device) % (PIXELS - 1)  # hidden unit sees <= degree
        pixel = torch.arange(PIXELS, device=device)
        self.register_buffer("mask_in", (pixel[:, None] <= degree[None, :]).float())
        self.register_buffer("mask_out", (degree[:, None] < pixel[None, :]).float())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.baddbmm(self.inp.bias, x, self.inp.weight * self.mask_in)
        return torch.baddbmm(self.out.bias, seedwise(F.elu, h), self.out.weight * self.mask_out)


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    latent, hidden, batch = int(p["latent"]), int(p["hidden"]), int(p["batch"])
    free_bits, anneal = float(p["free_bits"]), float(p["anneal_fraction"])
    strong = str(p["decoder"]) == "autoregressive"
    device = pick_device(cfg.device)
    small_model_threads(device)
    data = load_digits_split(device)
    k = len(cfg.seeds)
    rows = tuple(s for _ in ARMS for s in cfg.seeds)
    arm = torch.arange(len(ARMS), device=device).repeat_interleave(k)  # [R]
    ar = ((arm < 3) & strong).float().view(-1, 1, 1)
    enc = BatchedMLP([PIXELS, hidden, 2 * latent], rows, activation="elu", device=device, salt=41)
    dec = BatchedMLP([latent, hidden, PIXELS], rows, activation="elu", device=device, salt=42)
    made = Made(rows, hidden, device)
    params = [*enc.parameters(), *dec.parameters(), *made.parameters()]
    opt = Adam(params, lr=float(p["lr"]))
    noise = SeedNoise(rows, device)
    warmup = max(1, int(anneal * cfg.steps))
    every = max(1, cfg.steps // 100)
    test = data.test_x.expand(len(rows), -1, -1)

    def losses(x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        logits = dec(z) + ar * made(x)
        return F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)

    def evaluate() -> dict[str, torch.Tensor]:
        with torch.no_grad():
            mu, logvar = enc(test).chunk(2, dim=-1)
            kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar)
            z = mu + (0.5 * logvar).exp() * noise.randn(test.shape[1], latent)
            return {
                "kl": kl.sum(-1).mean(-1),
                "recon": losses(test, z).mean(-1),
                "active": (mu.var(dim=1) > ACTIVE_VAR).sum(-1).float(),
            }

    for step in range(1, cfg.steps + 1):
        x = data.train_x[noise.randint(len(data.train_x), batch)]
        mu, logvar = enc(x).chunk(2, dim=-1)
        z = mu + (0.5 * logvar).exp() * noise.randn(batch, latent)
        kl_dims = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).mean(1)  # [R, latent]
        kl_plain = kl_dims.sum(-1)
        # Free bits (Kingma et al. 2016, appendix C.8): each dimension's KL below lambda is free.
        kl_free = kl_dims.clamp(min=free_bits).sum(-1)
        weight = torch.where(arm == 2, min(1.0, step / warmup), 1.0)
        kl_term = torch.where(arm == 1, kl_free, weight * kl_plain)
        loss = losses(x, z).mean(-1) + kl_term
        opt.zero_grad(set_to_none=True)
        seed_sum(loss).backward()
        opt.step()
        if step % every == 0 or step == cfg.steps:
            scores = evaluate()
            yield Progress(step, cfg.steps, _metrics(scores, k))
    with torch.no_grad():
        mu, logvar = enc(test).chunk(2, dim=-1)
        scores["info"] = information(mu, logvar, noise.randn(test.shape[1], latent))
    snapshot = _snapshot(dec, made, ar, noise, latent, len(rows), k)
    return _verdict(scores, k, strong, snapshot)


def information(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """What z tells about x, in nats, per row: the mutual information I(x; z) of the encoder
    over the N test digits, E_x E_{z~q(z|x)} [log q(z|x) - log (1/N) sum_x' q(z|x')], one z
    per digit (Hoffman & Johnson 2016). At most log N; about 0 when q(z|x) ignores x.

    ``mu``, ``logvar``, ``eps``: ``[R, N, L]``.
    """
    n = mu.shape[1]
    z = mu + (0.5 * logvar).exp() * eps
    inv_var = (-logvar).exp()
    # log q(z_i | x_j) for every pair (i, j), expanded into matrix products: [R, N, N].
    quad = (
        torch.bmm(z.pow(2), inv_var.transpose(1, 2))
        - 2 * torch.bmm(z, (mu * inv_var).transpose(1, 2))
        + (mu.pow(2) * inv_var).sum(-1).unsqueeze(1)
    )
    log_q = -0.5 * (quad + logvar.sum(-1).unsqueeze(1))
    own = log_q.diagonal(dim1=1, dim2=2)
    pooled = torch.logsumexp(log_q, dim=2) - math.log(n)
    return (own - pooled).mean(-1)


def _metrics(scores: dict[str, torch.Tensor], k: int) -> dict[str, float]:
    """Seed means per arm: ``kl_plain``, ``recon_free_bits``, ``active_annealed``, ..."""
    out: dict[str, float] = {}
    for i, name in enumerate(ARMS):
        for key, values in scores.items():
            out[f"{key}_{name}"] = float(values[i * k : (i + 1) * k].mean())
    return out


def _snapshot(
    dec: nn.Module, made: Made, ar: torch.Tensor, noise: SeedNoise, latent: int, r: int, k: int
) -> dict[str, Any]:
    """Eight samples per arm (first seed): z ~ N(0, I), pixels drawn one at a time in order."""
    with torch.no_grad():
        z = noise.randn(8, latent)
        base = dec(z)
        x = torch.zeros(r, 8, PIXELS, device=z.device)
        for i in range(PIXELS):
            logits = base + ar * made(x)
            x[..., i] = torch.sigmoid(logits[..., i])  # the pixel's mean, for a clean picture
    return {f"samples {name}": as_images(x[i * k]) for i, name in enumerate(ARMS)}


def _verdict(scores: dict[str, torch.Tensor], k: int, strong: bool, snapshot: dict) -> Outcome:
    """Per seed: the plain arm's KL is about 0, and free bits keep z informative about x."""
    tables = [scores[key].view(len(ARMS), k) for key in KEYS]
    kl, info, active, _ = tables
    collapsed = kl[0] < COLLAPSED_KL
    kept = info[1] >= IN_USE_NATS
    flags = (collapsed & kept).tolist()
    total = len(flags)
    decoder = "autoregressive" if strong else "factorised"

    def arm(i: int) -> str:
        return (
            f"KL {float(kl[i].mean()):.2f} nats, z tells {float(info[i].mean()):.2f} nats "
            f"about x, {float(active[i].mean()):.1f} active units"
        )

    summary = (
        f"{decoder} decoder at beta 1: {arm(0)}; with free bits: {arm(1)}; with KL "
        f"annealing: {arm(2)}; factorised decoder at beta 1: {arm(3)} (seed means). Bar per "
        f"seed: the first arm's KL < {COLLAPSED_KL:g} nats (collapsed, met on "
        f"{int(collapsed.sum())}/{total}) and free bits keep I(x; z) >= {IN_USE_NATS:g} nat "
        f"(met on {int(kept.sum())}/{total})"
    )
    if seeds_pass(flags):
        plain = (
            "A decoder that draws each pixel from the ones before it made the VAE stop using "
            "its code z, and free bits kept z in use."
        )
    elif not seeds_pass(collapsed.tolist()):
        plain = f"With the {decoder} decoder the VAE kept using its code z: nothing collapsed."
    else:
        plain = "The VAE stopped using its code z, but free bits did not keep z in use here."
    answer = 0 if float(kl[0].median()) < COLLAPSED_KL else 1
    per_seed = [
        {
            f"{key}_{n}": float(table[a, i])
            for key, table in zip(KEYS, tables, strict=True)
            for a, n in enumerate(ARMS)
        }
        for i in range(k)
    ]
    return Outcome(
        Verdict.from_seeds(flags, summary, plain), _metrics(scores, k), answer, snapshot, per_seed
    )
