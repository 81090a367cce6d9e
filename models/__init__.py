"""PyTorch mini-experiments that show the decks' concepts. No Textual, no SQL.

This package and every experiment's ``__init__`` are torch-free: listing experiments is
instant. Torch loads only when a run starts (``models.<name>.run``).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from models.base import ExperimentSpec, ParamError

__all__ = ["ExperimentSpec", "ParamError", "all_specs", "get_spec"]


@cache
def all_specs() -> tuple[ExperimentSpec, ...]:
    """Every experiment's spec, sorted by id."""
    specs = []
    for info in pkgutil.iter_modules(__path__):
        if not info.ispkg:
            continue
        spec = getattr(importlib.import_module(f"{__name__}.{info.name}"), "SPEC", None)
        if isinstance(spec, ExperimentSpec):
            specs.append(spec)
    return tuple(sorted(specs, key=lambda s: s.id))


def get_spec(experiment_id: str) -> ExperimentSpec:
    """The spec called ``experiment_id``; ParamError lists the valid ids otherwise."""
    for spec in all_specs():
        if spec.id == experiment_id:
            return spec
    valid = ", ".join(s.id for s in all_specs())
    raise ParamError(f"unknown experiment {experiment_id!r}; valid: {valid}")
