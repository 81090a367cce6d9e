"""Curves and histograms drawn as snapshot images."""

from __future__ import annotations

import numpy as np

from models.pictures import bar_image, curve_image


def test_curve_image_puts_high_values_at_the_top():
    image = curve_image([0, 1], [([0.0, 1.0], 1.0)], height=10, width=10, y_range=(0.0, 1.0))
    assert image.shape == (1, 10, 10)
    assert image[0, 9, 0] == 1.0 and image[0, 0, 9] == 1.0
    assert image[0, 0, 0] == 0.0 and image[0, 9, 9] == 0.0
    # connected: every column has a lit pixel
    assert (image[0].max(axis=0) == 1.0).all()


def test_later_curves_draw_over_earlier_ones():
    image = curve_image([0, 1], [([0.5, 0.5], 0.4), ([0.5, 0.5], 1.0)], height=5, width=4)
    assert set(np.unique(image)) == {0.0, 1.0}


def test_bar_image_heights_follow_the_counts():
    image = bar_image([0.0, 0.5, 1.0], height=4)
    assert image.shape == (1, 4, 3)
    assert image[0].sum(axis=0).tolist() == [0, 2, 4]
