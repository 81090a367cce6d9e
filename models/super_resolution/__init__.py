"""Super-resolution stand-in: 4x4 -> 8x8 digits by interpolation vs a learned transposed conv."""

from __future__ import annotations

from models.base import Control, ExperimentSpec, Param, PlotSpec, Prediction

SPEC = ExperimentSpec(
    id="super-resolution",
    title="Upscaling: interpolation vs learned transposed convolution",
    concepts=(
        "super-resolution",
        "super resolution",
        "bilinear interpolation",
        "average value of nearest pixels",
        "unblur",
    ),
    summary=(
        "Shrinks 8x8 digits to 4x4 and scales them back up three ways: nearest-neighbour and "
        "bilinear interpolation, and a small network built on a learned transposed convolution."
    ),
    explanation=(
        "Concept: a decoder (or a super-resolution network) must upscale. Fixed rules such as "
        "nearest-neighbour or bilinear interpolation spread each pixel over its neighbours the "
        "same way for every image; a learned upscaler (here built on a transposed convolution, "
        "which learns its kernel) can restore detail that is typical of the data (strokes of "
        "digits).\n"
        "What to watch: 4x4 inputs are 2x2 averages of held-out 8x8 digits; 'mse_nearest', "
        "'mse_bilinear' and 'mse_bicubic' are the test errors of interpolation (flat lines), "
        "'mse_learned' that of a ConvTranspose2d (4x4 kernel, stride 2) followed by two 3x3 "
        "convolutions, trained with pixel MSE. Snapshot rows: the 8x8 originals, the 4x4 inputs, "
        "bilinear and learned upscaling. This is a stand-in for super-resolution GANs: SRGAN "
        "adds an adversarial loss for sharper textures, which is not shown here.\n"
        "Verdict: passes on a seed when the learned upscaler's test error is below the best "
        "interpolation's (bicubic's), and overall on 4 of 5 seeds (calibration seeds 0-9: "
        "0.61-0.74x bicubic's error); the gain is reported in dB of PSNR.\n"
        "Control: train_on = noise trains the same network on uniform random pixels, which hold "
        "no strokes to learn; it then does worse than bicubic (about 1.2-1.5x its error) and the "
        "verdict fails, so the gain comes from what digits look like, not from the network "
        "alone.\n"
        "Cards: the DL-09 card lists 'k-NN (Average value of nearest pixels)' and bilinear "
        "interpolation as the traditional way to upsample: nearest-neighbour copies the one "
        "nearest pixel, and bilinear averages the nearest four, weighted by distance. The card "
        "on SRGAN says it 'tries to unblur an input image'; here the input is a smaller image, "
        "and the loss is pixel MSE with no GAN.\n"
        "Source: Dong et al., 'Image Super-Resolution Using Deep Convolutional Networks' (2014) "
        "and FSRCNN (Dong, Loy & Tang 2016) for the learned deconvolution layer; Ledig et al., "
        "SRGAN (2017)."
    ),
    params=(
        Param("channels", 8, "feature maps per layer", low=1, high=128),
        Param("lr", 3e-3, "Adam learning rate", low=1e-5, high=0.1),
        Param("batch", 128, "minibatch size", low=8, high=1024),
        Param("eval_every", 25, "steps between test evaluations", low=1, high=1000),
        Param(
            "train_on",
            "digits",
            "training images: digits, or uniform random pixels (a control)",
            choices=("digits", "noise"),
        ),
    ),
    default_steps=300,
    cost_seconds=3.0,
    max_steps=50_000,
    plots=(
        PlotSpec(
            "test error of 4x4 -> 8x8 upscaling",
            ("mse_nearest", "mse_bilinear", "mse_bicubic", "mse_learned"),
            "MSE per pixel",
            log_y=True,
        ),
    ),
    prediction=Prediction(
        question=(
            "Digits shrunk to 4x4 are scaled back to 8x8. Which upscaler gets closest to the "
            "original 8x8 digits it never saw?"
        ),
        choices=(
            "nearest-neighbour interpolation",
            "bilinear interpolation",
            "a learned transposed convolution",
        ),
    ),
    controls=(
        Control(
            set={"train_on": "noise"},
            why="trained on random pixels, the upscaler cannot learn what digits look like",
            kind="absent",
        ),
    ),
)
