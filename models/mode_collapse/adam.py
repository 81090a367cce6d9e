"""Adam without ``torch.optim``: moved to :class:`models.torchutil.Adam` (kept importable)."""

from __future__ import annotations

from models.torchutil import Adam

__all__ = ["Adam"]
