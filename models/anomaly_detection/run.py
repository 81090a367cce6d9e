"""Autoencoder trained on the normal classes; reconstruction error ranks held-out classes."""

from __future__ import annotations

from collections.abc import Generator

import torch

from models.base import Outcome, ParamError, Progress, RunConfig, Verdict, seeds_pass
from models.digits import (
    as_images,
    load_digits_split,
    make_autoencoder,
    parse_classes,
    pca_basis,
    pca_reconstruct,
)
from models.torchutil import Adam, SeedNoise, make_generator, pick_device, small_model_threads

PASS_AUROC = 0.9
THRESHOLD_QUANTILE = 0.95
CALIBRATION_FRACTION = 0.2
"""Share of the normal training digits held out (never trained on) to set the threshold."""
SPLIT_SEED = 4321


def auroc(scores: torch.Tensor, is_anomaly: torch.Tensor) -> torch.Tensor:
    """Area under the ROC curve along the last axis (Mann-Whitney U; ties ranked arbitrarily).

    ``scores`` ``[..., N]`` (higher = more anomalous), ``is_anomaly`` ``[N]`` booleans.
    """
    ranks = scores.argsort(dim=-1).argsort(dim=-1).to(torch.float64) + 1
    n_pos = int(is_anomaly.sum())
    n_neg = is_anomaly.numel() - n_pos
    u = ranks[..., is_anomaly].sum(-1) - n_pos * (n_pos + 1) / 2
    return u / (n_pos * n_neg)


def run(cfg: RunConfig) -> Generator[Progress, None, Outcome]:
    p = cfg.params
    try:
        normal = parse_classes(str(p["normal"]))
    except ValueError as exc:
        raise ParamError(f"normal: {exc}") from None
    if len(normal) == 10:
        raise ParamError("normal: leave at least one digit class out to serve as anomalies")
    latent, hidden = int(p["latent"]), int(p["hidden"])
    lr, batch, every = float(p["lr"]), int(p["batch"]), int(p["eval_every"])
    device = pick_device(cfg.device)
    small_model_threads(device)
    data = load_digits_split(device)
    normal_t = torch.tensor(normal, device=device)
    train, calib = split_normal(data.train_x[torch.isin(data.train_y, normal_t)], device)
    if bool(p["include_anomalies"]):  # the control: the anomalies are no longer novel
        train = torch.cat([train, data.train_x[~torch.isin(data.train_y, normal_t)]])
    is_anomaly = ~torch.isin(data.test_y, normal_t)
    k = len(cfg.seeds)
    enc, dec = make_autoencoder(list(cfg.seeds), hidden, latent, device)
    opt = Adam([*enc.parameters(), *dec.parameters()], lr=lr)
    noise = SeedNoise(cfg.seeds, device)
    mean, vh = pca_basis(train)
    pca_err = (pca_reconstruct(data.test_x, mean, vh, latent) - data.test_x).pow(2).mean(-1)
    auroc_pca = float(auroc(pca_err, is_anomaly))

    def errors(x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return (dec(enc(x.expand(k, -1, -1))) - x).pow(2).mean(-1)

    for step in range(1, cfg.steps + 1):
        x = train[noise.randint(len(train), batch)]
        loss = (dec(enc(x)) - x).pow(2).mean((1, 2))
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
        if step % every == 0 or step == cfg.steps:
            test_err, calib_err = errors(data.test_x), errors(calib)
            threshold = calib_err.quantile(THRESHOLD_QUANTILE, dim=-1)
            yield Progress(
                step,
                cfg.steps,
                {
                    "auroc": float(auroc(test_err, is_anomaly).mean()),
                    "auroc_pca": auroc_pca,
                    "err_normal": float(test_err[:, ~is_anomaly].mean()),
                    "err_anomaly": float(test_err[:, is_anomaly].mean()),
                    "threshold": float(threshold.mean()),
                },
            )

    test_err, train_err, calib_err = errors(data.test_x), errors(train), errors(calib)
    scores = auroc(test_err, is_anomaly)
    threshold = calib_err.quantile(THRESHOLD_QUANTILE, dim=-1, keepdim=True)
    flagged = (test_err > threshold).float()
    detection_k = flagged[:, is_anomaly].mean(-1)
    false_alarm_k = flagged[:, ~is_anomaly].mean(-1)
    # The tempting alternative, a threshold at the training errors' 95th percentile, is set
    # on digits the autoencoder has fitted, so it is too low for unseen normal digits.
    train_threshold = train_err.quantile(THRESHOLD_QUANTILE, dim=-1, keepdim=True)
    false_alarm_train_k = (test_err[:, ~is_anomaly] > train_threshold).float().mean(-1)
    detection, false_alarm = float(detection_k.mean()), float(false_alarm_k.mean())
    false_alarm_train = float(false_alarm_train_k.mean())
    per_seed = [
        {
            "auroc": float(scores[i]),
            "auroc_pca": auroc_pca,
            "err_normal": float(test_err[i, ~is_anomaly].mean()),
            "err_anomaly": float(test_err[i, is_anomaly].mean()),
            "detection_rate": float(detection_k[i]),
            "false_alarm_rate": float(false_alarm_k[i]),
            "false_alarm_rate_train_threshold": float(false_alarm_train_k[i]),
            "threshold": float(threshold[i, 0]),
        }
        for i in range(k)
    ]
    order = test_err[0].argsort(descending=True)
    snapshot = {
        "highest_error": as_images(data.test_x[order[:8]]),
        "lowest_error": as_images(data.test_x[order[-8:]]),
    }
    flags = [bool(s >= PASS_AUROC) for s in scores]
    mean_auroc = float(scores.mean())
    held_out = "".join(str(c) for c in range(10) if c not in normal)
    seen = "".join(str(c) for c in normal)
    summary = (
        f"AUROC {mean_auroc:.3f} (bar: >= {PASS_AUROC:g} on a seed, met on {sum(flags)}/"
        f"{len(flags)}; 0.5 is chance; PCA's error scores {auroc_pca:.3f}); test error "
        f"{float(test_err[:, ~is_anomaly].mean()):.4f} on digits {seen} vs "
        f"{float(test_err[:, is_anomaly].mean()):.4f} on {held_out}; a threshold at the 95th "
        f"percentile of held-out normal digits flags {detection:.0%} of anomalies and "
        f"{false_alarm:.0%} of normal test digits (one set on the training digits would flag "
        f"{false_alarm_train:.0%})"
    )
    if not seeds_pass(flags):
        plain = (
            f"The autoencoder redrew digits {held_out} about as well as {seen}, so its "
            "error could not pick them out."
        )
    elif bool(p["include_anomalies"]):
        plain = f"The autoencoder redrew digits {held_out} much worse than {seen}."
    else:
        plain = (
            f"Trained only on digits {seen}, the autoencoder redrew the unseen digits "
            f"{held_out} much worse, so its error picked them out."
        )
    answer = 0 if mean_auroc >= 0.9 else 1 if mean_auroc >= 0.6 else 2
    return Outcome(
        Verdict.from_seeds(flags, summary, plain),
        {
            "auroc": mean_auroc,
            "auroc_pca": auroc_pca,
            "detection_rate": detection,
            "false_alarm_rate": false_alarm,
            "false_alarm_rate_train_threshold": false_alarm_train,
            "threshold": float(threshold.mean()),
        },
        answer,
        snapshot,
        per_seed,
    )


def split_normal(x: torch.Tensor, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Normal training digits -> (training part, calibration part), a fixed split."""
    order = torch.randperm(len(x), generator=make_generator(SPLIT_SEED, "cpu")).to(device)
    cut = round(len(x) * (1 - CALIBRATION_FRACTION))
    return x[order[:cut]], x[order[cut:]]
