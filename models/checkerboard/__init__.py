"""Checkerboard artifacts: transposed convolution vs resize-then-convolve (Odena et al. 2016)."""

from __future__ import annotations

from models.base import Control, ExperimentSpec, Param, PlotSpec, Prediction

SPEC = ExperimentSpec(
    id="checkerboard",
    title="Checkerboard artifacts: transposed conv vs resize-conv",
    concepts=(
        "checkerboard",
        "checkerboard artifacts",
        "transposed convolution",
        "fractional-strided convolution",
        "fractionally-strided convolution",
        "deconvolution @ upsampling, upscaling, upsample, decoder, generator, layer",
    ),
    summary=(
        "Two small upsamplers (4x4 -> 16x16 digits) trained side by side for a few dozen "
        "steps: stride-2 transposed convolutions vs nearest resize then 3x3 convolution."
    ),
    explanation=(
        "Concept: a stride-2 transposed convolution paints each input pixel's kernel into the "
        "output at stride spacing; which kernel taps reach an output pixel depends on its "
        "position modulo the stride, and when the kernel size is not divisible by the stride "
        "the overlap is uneven. Unless the weights happen to balance, the output carries a "
        "pattern that repeats every 2 pixels: a checkerboard. Networks can in principle learn "
        "balanced weights but in practice struggle to. Resizing (nearest) and then convolving "
        "has no such dependence on position (Odena, Dumoulin & Olah, 'Deconvolution and "
        "Checkerboard Artifacts', Distill 2016, sections 'Deconvolution & Overlap' and "
        "'Better Upsampling').\n"
        "What the run measures: both arms learn to upscale 4x4 digits to 16x16 (two stride-2 "
        "upsampling layers each; the target is the digit's bilinear upscaling, a smooth "
        "image), from the same batches. 'ripple_*' feeds each arm a flat gray 8x8 image and "
        "takes the mean |y - mean(y)| over the centre of its 32x32 output, away from the "
        "borders: any pattern there comes from the upsampling itself. 'share_*' is the share "
        "of the test outputs' non-constant spectral energy at the stride's frequencies (+-+- "
        "along rows, columns, and the checkerboard); 'share_target' is that of the targets.\n"
        "Verdict, per seed (4 of 5 must pass): after the default 40 steps the transposed arm's "
        "flat-input ripple is at least 0.005 and 3x the resize arm's (which is 0 to rounding), "
        "and its digit outputs carry more energy at the stride's frequencies than the resize "
        "arm's. Seeds 0-9: ripple 0.015 to 0.046 vs 0; digit-output share 0.1% to 3% vs "
        "under 0.07%. The control puts resize-conv in both arms. With longer training on "
        "these smooth targets the digit-output share shrinks (the curve shows it), so that "
        "part is about early training."
    ),
    params=(
        Param("kernel", 3, "kernel size of the transposed convolution (stride 2)", 2, 7),
        Param("channels", 8, "feature maps per arm", low=1, high=64),
        Param("lr", 3e-3, "Adam learning rate", low=1e-5, high=0.1),
        Param("batch", 64, "minibatch size", low=8, high=1024),
        Param("eval_every", 25, "steps between test evaluations", low=1, high=1000),
        Param(
            "upsampler",
            "transposed",
            "first arm's upsampling layer (resize: both arms resize-conv, a control)",
            choices=("transposed", "resize"),
        ),
    ),
    default_steps=40,
    cost_seconds=6.0,
    max_steps=50_000,
    plots=(
        PlotSpec(
            "checkerboard share of output energy",
            ("share_first", "share_resize", "share_target"),
            "share",
            log_y=True,
        ),
        PlotSpec("ripple of a flat input", ("ripple_first", "ripple_resize"), "mean |y - mean y|"),
        PlotSpec("test error", ("mse_first", "mse_resize"), "MSE per pixel", log_y=True),
    ),
    prediction=Prediction(
        question=(
            "Two upsamplers are trained briefly to upscale digits. Whose outputs carry a "
            "checkerboard pattern?"
        ),
        choices=("the transposed convolution's", "the resize-conv's", "neither"),
    ),
    controls=(
        Control(
            set={"upsampler": "resize"},
            why="resize-conv in both arms: no transposed convolution, so no checkerboard gap",
        ),
    ),
)
