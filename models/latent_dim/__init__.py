"""Autoencoder latent dimension vs reconstruction error on 8x8 digits, with PCA as baseline."""

from __future__ import annotations

from models.base import Control, ExperimentSpec, Param, PlotSpec, Prediction

DIMS = (1, 2, 4, 8, 16, 32)
"""Bottleneck sizes trained side by side (one batched model per size and seed)."""

SPEC = ExperimentSpec(
    id="latent-dim",
    title="Latent dimension vs reconstruction error",
    concepts=(
        "latent dimension",
        "dimensionality of the latent space",
        "bottleneck",
        "smaller latent spaces",
        "compressed representation",
        "compression",
    ),
    summary=(
        "Trains six autoencoders on sklearn's 8x8 digits with bottlenecks of 1 to 32 units and "
        "compares their test reconstruction error with PCA of the same size."
    ),
    explanation=(
        "Concept: an autoencoder squeezes its input through a latent code; the code's size caps "
        "how much of the image survives. Smaller latent spaces give poorer reconstructions.\n"
        "What to watch: 'ae_dN' is the test mean squared error (per pixel, pixels in [0, 1]) of "
        "the autoencoder with an N-unit bottleneck (64-128-N-128-64 MLP, ReLU, sigmoid output, "
        "Adam); 'pca_dN' is PCA keeping N components, the best *linear* code of that size, "
        "drawn as flat lines. The snapshot holds 4 test digits and their "
        "reconstructions with 2, 8 and 32 latent units, one row each.\n"
        "Verdict: passes when the test error falls with every doubling of the latent size "
        "(1 -> 2 -> ... -> 32) and the nonlinear autoencoder beats PCA at 2 units. By the end "
        "of the default run it beats PCA up to 16 units too, while at 32 units PCA (keeping "
        "half of all 64 components) is still ahead.\n"
        "Source: Hinton & Salakhutdinov, 'Reducing the Dimensionality of Data with Neural "
        "Networks', Science (2006); digits: UCI optical digits via scikit-learn."
    ),
    params=(
        Param("hidden", 128, "hidden units in encoder and decoder", low=8, high=512),
        Param("lr", 3e-3, "Adam learning rate", low=1e-5, high=0.1),
        Param("batch", 128, "minibatch size", low=8, high=1024),
        Param("eval_every", 25, "steps between test evaluations", low=1, high=1000),
        Param("linear", False, "a linear autoencoder, 64-N-64 with no activation (a control)"),
    ),
    default_steps=1000,
    cost_seconds=8.0,
    max_steps=50_000,
    plots=(
        PlotSpec(
            "test reconstruction error by latent size",
            tuple(f"ae_d{d}" for d in DIMS),
            "MSE per pixel",
            log_y=True,
        ),
        PlotSpec(
            "autoencoder vs PCA",
            ("ae_d2", "pca_d2", "ae_d8", "pca_d8"),
            "MSE per pixel",
            log_y=True,
        ),
    ),
    prediction=Prediction(
        question=(
            "An autoencoder and PCA each compress 8x8 digits to just 2 numbers. Which "
            "reconstructs unseen digits better?"
        ),
        choices=("the autoencoder", "PCA", "about the same (within 5%)"),
    ),
    controls=(
        Control(
            set={"linear": True},
            why="a linear autoencoder can do no better than PCA, the best linear code",
        ),
    ),
)
