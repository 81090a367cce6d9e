"""A 2-D VAE on digits (batched over seeds), then a decoded grid walk through its latent space."""

from __future__ import annotations

from collections.abc import Generator

import torch
import torch.nn.functional as F

from models.base import Outcome, Progress, RunConfig, Verdict
from models.digits import as_images, load_digits_split
from models.torchutil import (
    BatchedMLP,
    SeedNoise,
    count_agreeing,
    majority,
    pick_device,
    small_model_threads,
)

GRID = 8
ACTIVE_VARIANCE = 0.01


def grid_points(span: float, device: torch.device) -> torch.Tensor:
    """``[GRID * GRID, 2]`` latent points; index r * GRID + c has z1 = row r, z2 = column c."""
    axis = torch.linspace(-span, span, GRID, device=device)
    return torch.stack(torch.meshgrid(axis, axis, indexing="ij"), dim=-1).view(-1, 2)


def smoothness(images: torch.Tensor) -> torch.Tensor:
    """Mean neighbour distance / mean pairwise distance of grid decodes ``[K, GRID*GRID, 64]``."""
    k = images.shape[0]
    grid = images.view(k, GRID, GRID, -1)
    down = (grid[:, 1:] - grid[:, :-1]).norm(dim=-1).mean((1, 2))
    right = (grid[:, :, 1:] - grid[:, :, :-1]).norm(dim=-1).mean((1, 2))
    n = GRID * GRID
    pairwise = torch.cdist(images, images).sum((1, 2)) / (n * (n - 1))
    return (down + right) / 2 / pairwise


def grid_snapshot(images: torch.Tensor, span: float) -> dict[str, object]:
    """One labelled row of decoded digits per z1 value (columns walk z2 from -span to span)."""
    rows = as_images(images).reshape(GRID, GRID, 8, 8)
    values = torch.linspace(-span, span, GRID).tolist()
    return {f"z1={v:+.2f}": rows[r] for r, v in enumerate(values)}


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    hidden, lr, batch = int(p["hidden"]), float(p["lr"]), int(p["batch"])
    beta, span, every = float(p["beta"]), float(p["span"]), int(p["eval_every"])
    device = pick_device(cfg.device)
    small_model_threads(device)
    data = load_digits_split(device)
    k = len(cfg.seeds)
    enc = BatchedMLP([64, hidden, 4], cfg.seeds, device=device, salt=1)  # mean and log-variance
    dec = BatchedMLP([2, hidden, 64], cfg.seeds, device=device, salt=2)  # Bernoulli logits
    opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=lr)
    noise = SeedNoise(cfg.seeds, device)
    grid = grid_points(span, device).expand(k, -1, -1)
    test = data.test_x.expand(k, -1, -1)
    train = data.train_x.expand(k, -1, -1)

    def evaluate() -> dict[str, torch.Tensor]:
        with torch.no_grad():
            test_mu = enc(test)[..., :2]
            train_mu = enc(train)[..., :2]
            nearest = torch.cdist(test_mu, train_mu).argmin(-1)
            images = torch.sigmoid(dec(grid))
            return {
                "active": (test_mu.var(dim=1) > ACTIVE_VARIANCE).sum(-1),
                "smooth": smoothness(images),
                "knn": (data.train_y[nearest] == data.test_y).float().mean(-1),
                "images": images,
            }

    recon_last = kl_last = torch.zeros(k, device=device)
    for step in range(1, cfg.steps + 1):
        x = data.train_x[noise.randint(len(data.train_x), batch)]
        out = enc(x)
        mu, logvar = out[..., :2], out[..., 2:]
        z = mu + torch.exp(0.5 * logvar) * noise.randn(batch, 2)
        recon = F.binary_cross_entropy_with_logits(dec(z), x, reduction="none").sum(-1).mean(-1)
        kl = (0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar)).sum(-1).mean(-1)
        opt.zero_grad()
        (recon + beta * kl).sum().backward()
        opt.step()
        recon_last, kl_last = recon.detach(), kl.detach()
        if step % every == 0 or step == cfg.steps:
            ev = evaluate()
            yield Progress(
                step,
                cfg.steps,
                {
                    "recon": float(recon_last.mean()),
                    "kl": float(kl_last.mean()),
                    "active_units": float(ev["active"].float().mean()),
                    "smoothness": float(ev["smooth"].mean()),
                    "knn_accuracy": float(ev["knn"].mean()),
                },
                grid_snapshot(ev["images"][0], span),
            )

    ev = evaluate()
    active, smooth, knn = ev["active"].tolist(), ev["smooth"].tolist(), ev["knn"].tolist()
    flags = [a == 2 and s < 0.5 and n > 0.5 for a, s, n in zip(active, smooth, knn, strict=True)]
    agreed, total = count_agreeing(flags)
    passed = majority(agreed, total)
    s_mean, n_mean = float(ev["smooth"].mean()), float(ev["knn"].mean())
    spread = float(torch.cdist(ev["images"], ev["images"]).mean())
    units = f"{min(active)}" if min(active) == max(active) else f"{min(active)}-{max(active)}"
    detail = (
        f"{units} of 2 latent units active, neighbouring grid decodes "
        f"{s_mean:.2f}x as far apart as random pairs, 1-NN digit accuracy in latent space "
        f"{n_mean:.0%}"
    )
    if passed:
        summary = f"the traversal morphs digits gradually: {detail}"
    else:
        summary = f"no smooth, organised 2-D latent space in this run: {detail}"
    if spread < 0.5:
        answer = 2
    elif s_mean < 0.5:
        answer = 0
    else:
        answer = 1
    return Outcome(
        Verdict(passed, summary, agreed, total),
        {
            "active_units": min(active),
            "smoothness": s_mean,
            "knn_accuracy": n_mean,
            "grid_spread": spread,
            "recon": float(recon_last.mean()),
            "kl": float(kl_last.mean()),
        },
        answer,
        grid_snapshot(ev["images"][0], span),
    )
