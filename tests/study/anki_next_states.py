"""Anki's own answer to each button for given card states (run as a subprocess by
``test_anki_parity.py``): reads JSON on stdin, writes JSON on stdout.

Runs with ``ANKI_TEST_MODE`` set, as Anki's own Python tests do, so Anki applies no fuzz: the
intervals are Anki's intervals before fuzz. Input: ``{"presets": [{"parameters": [...],
"retention": r}], "cards": [{"preset": i, "kind": "new|learning|review|relearning",
"stability": s, "difficulty": d, "last": unix seconds, "ivl": days, "remaining": steps}]}``.
Output: ``{"next_day_at": unix seconds, "cards": [[[kind, secs or days, s, d] x 4 ratings]]}``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Any

KINDS = {"learning": 1, "review": 2, "relearning": 3}


def main() -> None:
    assert os.environ.get("ANKI_TEST_MODE"), "run with ANKI_TEST_MODE=1 (no fuzz)"
    # isort: off
    from anki.collection import Collection  # first: anki.cards alone is a circular import
    from anki.cards import FSRSMemoryState

    # isort: on

    request = json.load(sys.stdin)
    with tempfile.TemporaryDirectory() as folder:
        col = Collection(os.path.join(folder, "collection.anki2"))
        col.set_config("fsrs", True)
        col.load_balancer_enabled = False
        decks = []
        for index, preset in enumerate(request["presets"]):
            deck_id = col.decks.id(f"preset {index}")
            config = col.decks.add_config_returning_id(f"preset {index}")
            conf = col.decks.get_config(config)
            assert conf is not None
            conf["fsrsParams6"] = preset["parameters"]
            conf["desiredRetention"] = preset["retention"]
            col.decks.update_config(conf)
            deck = col.decks.get(deck_id)
            assert deck is not None
            deck["conf"] = config
            col.decks.save(deck)
            decks.append(deck_id)
        notetype = col.models.by_name("Basic")
        next_day_at, today = col.sched.day_cutoff, col.sched.today
        out = []
        for spec in request["cards"]:
            note = col.new_note(notetype)
            note["Front"] = "card"
            col.add_note(note, decks[spec["preset"]])
            card = note.cards()[0]
            if spec["kind"] != "new":
                card.type = KINDS[spec["kind"]]
                card.queue = 2 if spec["kind"] == "review" else 1
                card.memory_state = FSRSMemoryState(
                    stability=spec["stability"], difficulty=spec["difficulty"]
                )
                card.last_review_time = spec["last"]
                card.ivl = spec["ivl"]
                card.left = spec["remaining"]
                card.due = today if spec["kind"] == "review" else spec["last"] + 60
                card.reps = 3
                col.update_card(card)
            out.append(_states(col, card.id))
        assert col.sched.day_cutoff == next_day_at, "a study day ended meanwhile"
        col.close()
    json.dump({"next_day_at": next_day_at, "cards": out}, sys.stdout)


def _states(col: Any, card_id: int) -> list[list[Any]]:
    states = col._backend.get_scheduling_states(card_id)
    stored = col.get_card(card_id).memory_state
    buttons = []
    for name in ("again", "hard", "good", "easy"):
        normal = getattr(states, name).normal
        kind = normal.WhichOneof("kind")
        state = getattr(normal, kind)
        if kind == "review":
            at, memory = state.scheduled_days, state.memory_state
        elif kind == "learning":
            at, memory = state.scheduled_secs, state.memory_state
        else:
            at, memory = state.learning.scheduled_secs, state.learning.memory_state
        buttons.append([kind, at, memory.stability, memory.difficulty])
    held = None if stored is None else [stored.stability, stored.difficulty]
    return [held, buttons]


if __name__ == "__main__":
    main()
