"""posterior-collapse: the default passes and every control fails, on held-out seeds 11-15."""

from __future__ import annotations

import pytest

from models import get_spec
from models.base import Control
from tests.models.controls import check_control, check_default, control_cases

ID = "posterior-collapse"


def test_verdict_holds_on_held_out_seeds() -> None:
    spec = get_spec(ID)
    result = check_default(ID)
    assert spec.prediction is not None and result.answer is not None
    assert 0 <= result.answer < len(spec.prediction.choices)


@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails_on_held_out_seeds(control: Control) -> None:
    check_control(ID, control)
