"""``studyapp experiments``: list the PyTorch mini-experiments (no torch is loaded)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from studyapp.experiments.links import concept_names


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "experiments",
        help="list the PyTorch mini-experiments",
        description=(
            "List every experiment: id, title, concepts it teaches, default cost, and its "
            "controls (settings under which its verdict must fail)."
        ),
    )
    parser.add_argument("--json", action="store_true", help="print one JSON array")
    parser.set_defaults(handler=handle)


def spec_summary(spec: Any) -> dict[str, Any]:
    """The JSON shape of one experiment in the listing."""
    return {
        "id": spec.id,
        "title": spec.title,
        "concepts": concept_names(spec),
        "summary": spec.summary,
        "default_steps": spec.default_steps,
        "cost_seconds": spec.cost_seconds,
        "params": [
            {
                "name": p.name,
                "default": p.default,
                "type": p.kind.__name__,
                "low": p.low,
                "high": p.high,
                "choices": list(p.choices) if p.choices else None,
                "help": p.help,
            }
            for p in spec.params
        ],
        "controls": [c.to_json() for c in spec.controls],
    }


def controls(spec: Any) -> str:
    """``3 controls: 1 absent, 1 null, 1 sanity``: how many, and what their failures prove."""
    n = len(spec.controls)
    kinds = [c.kind for c in spec.controls]
    counts = ", ".join(f"{kinds.count(k)} {k}" for k in ("absent", "null", "sanity") if k in kinds)
    return f"{n} control{'' if n == 1 else 's'}" + (f": {counts}" if counts else "")


def handle(args: argparse.Namespace) -> int:
    from models import all_specs

    specs = all_specs()
    if args.json:
        print(json.dumps([spec_summary(s) for s in specs], indent=2))
        return 0
    width = max((len(s.id) for s in specs), default=2)
    for spec in specs:
        print(f"{spec.id:<{width}}  ~{spec.cost_seconds:>4.0f} s  {spec.title}  ({controls(spec)})")
        print(f"{'':<{width}}           concepts: {'; '.join(concept_names(spec))}")
    print(f"\n{len(specs)} experiments; run one with: studyapp run ID [--seeds 5] [--png FILE]")
    print("In the app: the Experiments screen (ctrl+p, then type experiment or a title).")
    return 0
