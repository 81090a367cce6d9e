"""blur-vs-sharp: on held-out seeds 11-15 the VAE's samples are blurry digits and the GAN's
sharp ones; a VAE without its KL term, or a second VAE in the GAN's place, fails."""

from __future__ import annotations

import pytest

from models import get_spec
from models.base import Control
from tests.models.controls import check_control, check_default, control_cases, describe

ID = "blur-vs-sharp"


def test_laplacian_energy_is_zero_for_flat_high_for_edges_and_falls_with_blur() -> None:
    torch = pytest.importorskip("torch")
    from models.blur_vs_sharp.run import laplacian_energy

    rows, cols = torch.meshgrid(torch.arange(8), torch.arange(8), indexing="ij")
    checker = ((rows + cols) % 2).float().reshape(1, 64)
    flat = torch.full((1, 64), 0.7)
    square = torch.zeros(8, 8)
    square[2:6, 2:6] = 1.0
    blurred = torch.nn.functional.avg_pool2d(square.view(1, 1, 8, 8), 3, 1, 1, False)
    energy = laplacian_energy(torch.cat([checker, flat, square.view(1, 64), blurred.view(1, 64)]))
    assert energy[0].item() == pytest.approx(16.0)  # every interior pixel: +-4
    assert energy[1].item() == pytest.approx(0.0, abs=1e-9)
    assert 0 < energy[3] < 0.5 * energy[2]  # a 3x3 box blur removes most edge energy


def test_a_vae_whose_samples_are_not_digits_fails() -> None:
    torch = pytest.importorskip("torch")
    from models.blur_vs_sharp.run import _verdict

    def scores(vae_distance: float) -> dict[str, object]:
        return {
            "energy_vae": torch.tensor([0.3]),
            "energy_second": torch.tensor([1.0]),
            "distance_vae": torch.tensor([vae_distance]),
            "distance_second": torch.tensor([1.4]),
        }

    assert _verdict(scores(1.2), "GAN", {}, {}).verdict.passed  # type: ignore[arg-type]
    not_digits = _verdict(scores(2.2), "GAN", {}, {}).verdict  # type: ignore[arg-type]
    assert not not_digits.passed and "do not look like digits" in not_digits.plain


@pytest.mark.slow
def test_default_passes_on_held_out_seeds() -> None:
    spec = get_spec(ID)
    result = check_default(ID)
    print(describe(result))  # per-seed figures, shown with pytest -rP
    assert spec.prediction is not None and result.answer == 1  # the GAN's are sharper


@pytest.mark.slow
@pytest.mark.parametrize("control", control_cases(ID))
def test_control_fails_on_held_out_seeds(control: Control) -> None:
    print(describe(check_control(ID, control)))
