"""Precision and recall of GAN samples on a ring of Gaussians: quality and coverage apart."""

from __future__ import annotations

from models.base import Control, ExperimentSpec, Param, PlotSpec, Prediction

SPEC = ExperimentSpec(
    id="precision-recall",
    title="Precision and recall: sample quality and coverage as two numbers",
    concepts=(
        "precision and recall",
        "precision recall",
        "sample quality and diversity",
        "quality and diversity",
        "quality and coverage",
    ),
    summary=(
        "A GAN learns a ring of Gaussians; its samples, a mode-dropping and a noisy variant "
        "of them, and a low-temperature sampler are scored by k-NN precision and recall."
    ),
    explanation=(
        "Concept: one score (a likelihood, a Frechet distance) cannot tell a generator that "
        "drops modes from one that covers every mode with poor samples. Precision (the share "
        "of generated samples that lie on the data's manifold) measures quality; recall (the "
        "share of real samples that lie on the generated manifold) measures coverage "
        "(Sajjadi et al. 2018 §1-3). Kynkäänniemi et al. 2019 §2 estimate each manifold as the "
        "union of balls around its points, each reaching that point's k-th nearest "
        "neighbour (k = 3).\n"
        "Setup: 8 Gaussians (std 0.05) on a circle of radius 2; a GAN with 2-D noise, "
        "MLPs 2-64-64 (ReLU generator, leaky-ReLU discriminator), non-saturating loss, "
        "Adam 1e-3 with betas (0.5, 0.999), batches of 256. At the end, 1,000 fresh real "
        "points are compared with 1,000 samples of four generators: the GAN; the GAN with "
        "only the modes on the upper half of the ring (its samples nearest those modes, "
        "resampled: mode dropping, as in mode collapse); the GAN plus noise of std 0.15 "
        "(every mode still reached, most samples off it); and G(0.5 z), a low-temperature "
        "sampler.\n"
        "Verdict, per seed: dropping modes cuts recall to <= 0.7x the GAN's and precision "
        "by < 0.1, and the noise cuts precision to <= 0.7x and recall by < 0.1: "
        "each failure shows in its own number. Calibrated on seeds 0-9 at the defaults: "
        "the GAN scores precision 0.30-0.79 and recall 0.62-0.87; dropping modes gives "
        "recall 0.38-0.56x the GAN's with precision within 0.08; the noise gives precision "
        "0.43-0.59x with recall 0.98-1.00 (10 of 10). "
        "The control k = 300 makes every ball span neighbouring modes: both manifolds "
        "fill the ring: every set scores precision 1.00, recall 0.87-1.00, and the two "
        "failures no longer separate (0 of 10; Kynkäänniemi et al. 2019 §2 on why k must "
        "be small). On the same seeds the low-temperature sampler scored precision "
        "0.21-0.70, below the GAN's own on 10 of 10.\n"
        "Said plainly: the low-temperature sampler is reported, not judged. With 2-D noise "
        "its samples gather where the generator's mode regions meet, between the modes, so "
        "here truncation LOWERS precision; the truncation trick's precision gain (Brock et "
        "al. 2019 §3.1; Kynkäänniemi et al. 2019 §4) belongs to large latent spaces "
        "trained for it. The 'dropped' and 'noisy' sets are built from the GAN's samples, "
        "so the run shows what the metric measures, not that a GAN trained this way drops "
        "modes (the mode-collapse experiment trains that).\n"
        "Sources: Sajjadi et al. 2018, Assessing Generative Models via Precision and Recall "
        "(§1-3); Kynkäänniemi et al. 2019, Improved Precision and Recall Metric for Assessing "
        "Generative Models (§2, §4); Brock et al. 2019, BigGAN (§3.1, the truncation trick)."
    ),
    params=(
        Param("k", 3, "neighbour whose distance sets each ball's radius", 1, 500),
        Param("noise", 0.15, "std of the noise added for the 'noisy' set", 0.0, 5.0),
        Param("temperature", 0.5, "z scale of the low-temperature sampler", 0.0, 2.0),
        Param("modes", 8, "Gaussians on the ring", 2, 32),
        Param("std", 0.05, "std of each Gaussian", 0.001, 1.0),
        Param("z_dim", 2, "generator noise dimensions", 1, 64),
        Param("hidden", 64, "hidden units per layer of G and D", 8, 512),
        Param("batch", 256, "points per step", 16, 4096),
        Param("lr", 1e-3, "Adam learning rate of G and D", 1e-5, 1e-1),
    ),
    default_steps=1500,
    cost_seconds=13.0,
    max_steps=50_000,
    plots=(
        PlotSpec("GAN samples: precision and recall (k-NN)", ("precision", "recall"), "share"),
        PlotSpec("GAN losses", ("d_loss", "g_loss"), "nats"),
    ),
    prediction=Prediction(
        question=(
            "A generator keeps only the modes on one half of the ring, its samples as good "
            "as before. Which number falls: precision (quality) or recall (coverage)?"
        ),
        choices=("Precision", "Recall", "Both or neither"),
    ),
    controls=(
        Control(
            set={"k": 300},
            why="with balls reaching the 300th neighbour each manifold estimate covers the "
            "whole ring, so neither dropped modes nor off-mode noise lowers a number",
        ),
    ),
)
