"""scikit-learn's 8x8 digits (shipped with it, offline) as tensors in [0, 1], split once.

Used by the autoencoder experiments. The split is fixed (it does not depend on the run's
seed), so different seeds differ only in initial weights and noise.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import torch

TEST_FRACTION = 0.25
SPLIT_SEED = 1234


@dataclass(frozen=True)
class Digits:
    """Flattened images ``[N, 64]`` in [0, 1] and their labels ``[N]``."""

    train_x: torch.Tensor
    train_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor


def _read_digits() -> tuple[np.ndarray, np.ndarray]:
    """Pixels ``[1797, 64]`` (0-16) and labels, as ``sklearn.datasets.load_digits`` gives them.

    Reads the CSV that scikit-learn ships directly: importing sklearn costs about 2 s.
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is not None and spec.origin is not None:
        path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
        if path.is_file():
            table = np.loadtxt(path, delimiter=",", dtype=np.float64)
            return table[:, :-1], table[:, -1].astype(np.int64)
    from sklearn.datasets import load_digits

    data = load_digits()
    return data.data, data.target


@cache
def _arrays() -> tuple[np.ndarray, np.ndarray]:
    pixels, labels = _read_digits()
    order = np.random.RandomState(SPLIT_SEED).permutation(len(labels))
    return (pixels[order] / 16.0).astype(np.float32), labels[order].astype(np.int64)


def load_digits_split(device: torch.device | str = "cpu") -> Digits:
    """The 1,797 digits, 75% train / 25% test, on ``device``."""
    x, y = _arrays()
    cut = round(len(y) * (1 - TEST_FRACTION))
    xt, yt = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
    return Digits(xt[:cut], yt[:cut], xt[cut:], yt[cut:])


def load_all_digits(device: torch.device | str = "cpu") -> torch.Tensor:
    """All 1,797 digits ``[N, 64]`` in [0, 1], in the fixed shuffled order of the split."""
    x, _ = _arrays()
    return torch.from_numpy(x).to(device)


def parse_classes(text: str) -> list[int]:
    """``"0,1,2"`` or ``"012"`` -> ``[0, 1, 2]``; ValueError for anything but digits 0-9."""
    digits = [c for c in text if c not in ", "]
    if not digits or any(not c.isdigit() for c in digits):
        raise ValueError(f"expected digit classes like '0,1,2', got {text!r}")
    return sorted({int(c) for c in digits})


def minibatch(x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """Rows of ``x`` ``[N, D]`` picked by per-seed indices ``[K, B]`` -> ``[K, B, D]``."""
    return x[index]


def as_images(flat: torch.Tensor) -> np.ndarray:
    """``[..., 64]`` in [0, 1] -> numpy ``[n, 8, 8]`` for an ``{"images": ...}`` snapshot."""
    return flat.detach().to("cpu").reshape(-1, 8, 8).numpy()


def make_autoencoder(
    ids: list[int], hidden: int, latent: int, device: torch.device | str = "cpu"
) -> tuple[torch.nn.Module, torch.nn.Module]:
    """Encoder 64-hidden-latent and decoder latent-hidden-64 (sigmoid), one copy per id."""
    from models.torchutil import BatchedMLP

    enc = BatchedMLP([64, hidden, latent], ids, device=device, salt=1)
    dec = BatchedMLP([latent, hidden, 64], ids, device=device, salt=2, out="sigmoid")
    return enc, dec


def nearest_digits(
    images: torch.Tensor, train_x: torch.Tensor, train_y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """For ``images`` ``[R, N, 64]``: the median L2 distance to the nearest training digit
    ``[R]``, and how many digit classes those nearest digits cover ``[R]`` (exp of the
    entropy of their labels: 10 = every class equally often, 1 = a single class)."""
    dist, index = torch.cdist(images, train_x.expand(images.shape[0], -1, -1)).min(-1)
    counts = torch.nn.functional.one_hot(train_y[index], 10).float().mean(1)
    entropy = -(counts * counts.clamp(min=1e-12).log()).sum(-1)
    return dist.median(-1).values, entropy.exp()


def test_digit_distance(data: Digits) -> float:
    """The data's own scale: the median distance of a test digit to its nearest training
    digit (a real new digit's distance; prior samples are scored in these units)."""
    dist = torch.cdist(data.test_x.unsqueeze(0), data.train_x.unsqueeze(0)).min(-1).values
    return float(dist.median())


def pca_basis(train_x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Training mean ``[64]`` and principal directions as rows ``[64, 64]``, largest first."""
    mean = train_x.mean(0)
    _, _, vh = torch.linalg.svd(train_x - mean, full_matrices=False)
    return mean, vh


def pca_reconstruct(x: torch.Tensor, mean: torch.Tensor, vh: torch.Tensor, d: int) -> torch.Tensor:
    """Project ``x`` onto the top ``d`` principal directions and back."""
    basis = vh[:d]
    return (x - mean) @ basis.T @ basis + mean
