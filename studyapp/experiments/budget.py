"""How much memory a run will take, estimated from its settings before any torch loads.

``studyapp run --seeds K`` trains K seeds batched in one process, so memory grows with K
(issue 12.7: 2000 seeds peaked at 7.3 GB). :func:`estimate_bytes` is generic: the width of
the networks (``hidden``, ``channels``, ``dim``, ``z_dim``, ``latent``), the batch
(``batch`` or ``samples``) and the number of seeds give the parameters (with gradients and
Adam's two moments) and the activations of a few layers per seed, on top of the torch
runtime. A spec may give its own ``estimate_memory(params, seeds) -> bytes``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

TORCH_BASE_BYTES = 300 * 2**20
"""What importing torch and one tiny model cost, seeds aside."""

PER_SEED_BYTES = 2**20
"""Histories, snapshots and data copies kept for each seed."""

LAYERS = 8
"""Layers assumed per run (generator and discriminator of ~4 each)."""

WIDTH_KEYS = ("hidden", "channels", "dim", "z_dim", "latent")
BATCH_KEYS = ("batch", "samples")


def _number(params: Mapping[str, Any], keys: tuple[str, ...], default: int) -> int:
    values = [
        int(v)
        for k in keys
        if isinstance(v := params.get(k), int | float) and not isinstance(v, bool)
    ]
    return max([default, *values])


def estimate_bytes(spec: Any, params: Mapping[str, Any], seeds: int) -> int:
    """Estimated peak memory of one run of ``spec`` with ``params`` and ``seeds`` seeds."""
    own = getattr(spec, "estimate_memory", None)
    if callable(own):
        return int(own(params, seeds))
    width = _number(params, WIDTH_KEYS, 64)
    batch = _number(params, BATCH_KEYS, 256)
    weights = LAYERS * width * width * 4 * 4  # float32 weights, grads, 2 Adam moments
    activations = LAYERS * batch * width * 4 * 3  # forward values and two backward buffers
    return TORCH_BASE_BYTES + seeds * (weights + activations + PER_SEED_BYTES)


DEFAULT_LIMIT_BYTES = 4 * 2**30
"""The most a run may take by default: plenty for a teaching experiment (a few seeds need
well under 1 GB); a machine with less than 8 GB gets half its memory."""


def memory_limit_bytes() -> int:
    """``STUDYAPP_RUN_MAX_GB`` when set, else 4 GB or half the machine's memory if less."""
    override = os.environ.get("STUDYAPP_RUN_MAX_GB", "").strip()
    if override:
        try:
            return int(float(override) * 2**30)
        except ValueError:
            pass
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 8 * 2**30
    return min(DEFAULT_LIMIT_BYTES, total // 2)


def format_bytes(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit in ("B", "KB") else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} GB"  # pragma: no cover


def check_seeds(spec: Any, params: Mapping[str, Any], seeds: int) -> str | None:
    """None when the run fits the memory limit, else a one-line reason with the figures."""
    need = estimate_bytes(spec, params, seeds)
    limit = memory_limit_bytes()
    if need <= limit:
        return None
    one = estimate_bytes(spec, params, 1) - TORCH_BASE_BYTES
    most = max(1, (limit - TORCH_BASE_BYTES) // max(one, 1))
    return (
        f"--seeds {seeds} would need about {format_bytes(need)} of memory, over the limit of "
        f"{format_bytes(limit)} (set $STUDYAPP_RUN_MAX_GB to change it); "
        f"use at most {most} seeds with these settings"
    )
