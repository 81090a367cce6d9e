"""Transposed convolution by hand ("multiply, place, sum") against ``ConvTranspose2d``."""

from __future__ import annotations

from models.base import ExperimentSpec, Param, PlotSpec, Prediction

SPEC = ExperimentSpec(
    id="transposed-conv",
    title="Transposed convolution: multiply, place, sum",
    concepts=(
        "transposed convolution",
        "deconvolution @ upsampling, upscaling, upsample, decoder, generator, layer",
        "fractional-strided convolution",
        "fractionally-strided convolution",
        "upscaling of an image",
        "multiply the input by the kernel",
        "decoders in autoencoders",
    ),
    summary=(
        "Computes a transposed convolution by hand, one input pixel at a time, and checks it "
        "equals torch's ConvTranspose2d on random inputs."
    ),
    explanation=(
        "Concept: a transposed convolution upsamples. Each input pixel multiplies the whole "
        "kernel (multiply), the scaled kernel is written into the output at stride x the pixel's "
        "position (place), and overlapping copies add up (sum). Output size is "
        "(n - 1) * stride - 2 * padding + kernel.\n"
        "What to watch: every step draws a fresh random input and kernel; 'max_abs_error' is the "
        "largest difference between the hand-made result and nn.functional.conv_transpose2d "
        "(log scale: it sits at float64 rounding, about 1e-15), 'overlap_pixels' counts output "
        "pixels that received more than one scaled kernel (they exist when stride < kernel).\n"
        "Verdict: passes when every step's difference is below 1e-9, i.e. the three-step recipe "
        "is exactly what the layer computes. The snapshot shows two hand-made outputs "
        "(when at least 4x4).\n"
        "Source: Dumoulin & Visin, 'A guide to convolution arithmetic for deep learning' (2016)."
    ),
    params=(
        Param("size", 3, "input height and width", low=1, high=16),
        Param("kernel", 3, "kernel height and width", low=1, high=7),
        Param("stride", 2, "stride of the placement", low=1, high=4),
        Param("padding", 0, "rows/columns cropped from each output border", low=0, high=3),
        Param("in_channels", 1, "input channels", low=1, high=4),
        Param("out_channels", 1, "output channels", low=1, high=4),
    ),
    default_steps=20,
    cost_seconds=0.3,
    max_steps=1000,
    plots=(
        PlotSpec("hand-made vs ConvTranspose2d", ("max_abs_error",), "max |diff|", log_y=True),
        PlotSpec("output pixels summed from several inputs", ("overlap_pixels",), "pixels"),
    ),
    prediction=Prediction(
        question=(
            "A 3x3 input goes through a transposed convolution with a 3x3 kernel, stride 2, "
            "padding 0. How big is the output?"
        ),
        choices=("5x5", "6x6", "7x7", "9x9"),
    ),
)
