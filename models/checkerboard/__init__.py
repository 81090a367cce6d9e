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
        "Two small upsamplers (4x4 -> 16x16 digits) trained side by side until both beat "
        "bicubic interpolation: stride-2 transposed convolutions vs nearest resize then 3x3 "
        "convolution; then each is shown a plain gray image."
    ),
    explanation=(
        "Concept: a stride-2 transposed convolution paints each input pixel's kernel into the "
        "output at stride spacing, so which kernel taps reach an output pixel depends on its "
        "position modulo the stride. For a flat input, each of the four positions gets the sum "
        "of its own taps: unless those four sums are equal, the output carries a pattern that "
        "repeats every 2 pixels, a checkerboard. When the kernel size is not divisible by the "
        "stride (uneven overlap) the sums differ by default; with even overlap (kernel 4) they "
        "can be equal, but nothing makes them so, and trained networks often learn unequal "
        "ones anyway. Resizing (nearest) and then convolving has no position dependence "
        "(Odena, Dumoulin & Olah, 'Deconvolution and Checkerboard Artifacts', Distill 2016, "
        "sections 'Deconvolution & Overlap', 'Overlap & Learning' and 'Better Upsampling').\n"
        "What the run measures: both arms learn to upscale 4x4 (2x2-averaged) digits to 16x16 "
        "(two stride-2 upsampling layers each; the target is the 8x8 digit's bilinear "
        "upscaling), from the same batches, for 200 steps. First, both must have learned the "
        "task: test MSE below bicubic interpolation's (0.0206); seeds 0-9 at the defaults: "
        "0.017-0.019 (transposed), 0.013-0.018 (resize-conv). Then 'ripple' shows each trained "
        "arm a flat gray 8x8 image and takes the mean |y - mean(y)| over the centre of its "
        "32x32 output, away from the borders: a perfect upsampler returns flat gray, so any "
        "pattern there is the upsampling's own.\n"
        "Verdict, per seed (4 of 5 must pass): both arms beat bicubic, and the first arm's "
        "ripple is at least 0.005 and 3x the second's. Seeds 0-9: 0.018-0.034 for the trained "
        "transposed conv, under 1e-6 (rounding) for resize-conv. The ripple stays with kernel "
        "= 4 (even overlap; 0.010-0.032 on seeds 0-9), so what is detected is the unequal tap "
        "sums, not the uneven overlap that makes them likely.\n"
        "What it does not show: a visible checkerboard on digits. On these smooth targets the "
        "loss penalises any pattern in the digit outputs, and the trained transposed conv's "
        "digits carry no more energy at the stride's frequencies than the resize-conv's (the "
        "third plot); the pattern shows where training did not look, as on the gray image. "
        "Untrained weights ripple too; the verdict is about trained networks.\n"
        "Where the cards stop short: the DL-09 cards describe a transposed convolution as "
        "multiply, place and sum, and list it beside interpolation as a way to upscale; they "
        "do not say that the sums can differ with position, which is what this run measures.\n"
        "Controls: upsampler = resize puts resize-conv in both arms (trained fully, a flat "
        "input stays flat); the null control puts transposed convs in both arms, each with its "
        "own weights and batches (their ripples differ by less than 3x); steps = 1 (untrained "
        "weights) is a sanity check of the training bar. All fail."
    ),
    params=(
        Param("kernel", 3, "kernel size of the transposed convolution (stride 2)", 2, 7),
        Param("channels", 8, "feature maps per arm", low=1, high=64),
        Param("lr", 0.01, "Adam learning rate", low=1e-5, high=0.1),
        Param("batch", 64, "minibatch size", low=8, high=1024),
        Param("eval_every", 50, "steps between test evaluations", low=1, high=1000),
        Param(
            "upsampler",
            "transposed",
            "the first arm's upsampling layers",
            choices=("transposed", "resize"),
        ),
        Param(
            "second",
            "resize",
            "the second arm's upsampling layers",
            choices=("transposed", "resize"),
        ),
        Param(
            "streams",
            "shared",
            "the arms' minibatches: shared (the same batches) or independent",
            choices=("shared", "independent"),
        ),
    ),
    default_steps=200,
    cost_seconds=8.0,
    max_steps=50_000,
    plots=(
        PlotSpec("ripple of a flat input", ("ripple_first", "ripple_second"), "mean |y - mean y|"),
        PlotSpec(
            "test error (bar: bicubic)",
            ("mse_first", "mse_second", "mse_bicubic"),
            "MSE per pixel",
            log_y=True,
        ),
        PlotSpec(
            "digit outputs' energy at the stride's frequencies",
            ("share_first", "share_second", "share_target"),
            "share",
            log_y=True,
        ),
    ),
    prediction=Prediction(
        question=(
            "Two upsamplers are trained to upscale digits, then shown a plain gray image. "
            "Whose output carries a checkerboard pattern?"
        ),
        choices=("the transposed convolution's", "the resize-conv's", "neither"),
    ),
    controls=(
        Control(
            set={"upsampler": "resize"},
            why="resize-conv in both arms: no transposed convolution, so a flat input "
            "comes out flat from both",
        ),
        Control(
            set={"second": "transposed", "streams": "independent"},
            why="transposed convs in both arms, each with its own weights and batches: "
            "their ripples differ only by chance",
            kind="null",
        ),
        Control(
            set={"steps": 1},
            why="untrained weights: neither arm beats bicubic interpolation, so there is "
            "no trained network to judge",
            kind="sanity",
        ),
    ),
    compares_arms=True,
)
