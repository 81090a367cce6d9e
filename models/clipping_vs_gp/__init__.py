"""WGAN critics: weight clipping vs gradient penalty (Gulrajani et al. 2017, Figure 1)."""

from __future__ import annotations

from models.base import ExperimentSpec, Param, PlotSpec, Prediction

SPEC = ExperimentSpec(
    id="clipping-vs-gp",
    title="WGAN critic: weight clipping vs gradient penalty",
    concepts=(
        "weight clipping",
        "gradient penalty",
        "wgan-gp",
        "lipschitz",
        "critic network",
        "critic loss",
        "wasserstein loss",
    ),
    summary=(
        "Trains two 4-layer WGAN critics on the same 8-Gaussian data, one kept 1-Lipschitz by "
        "clipping its weights to [-c, c], one by a gradient penalty, and compares weights and "
        "gradients."
    ),
    explanation=(
        "Concept: a WGAN critic must be 1-Lipschitz. The original WGAN clips every weight to "
        "[-c, c] after each step; WGAN-GP instead penalises (||grad_x f|| - 1)^2 at points "
        "between real and fake samples. Clipping piles weights up at the two bounds and "
        "leaves the critic a far flatter, simpler function than the constraint allows; the "
        "penalty keeps the input gradient near 1 with freely spread weights.\n"
        "What to watch: real data is a ring of 8 Gaussians, fake data is real data plus unit "
        "Gaussian noise (as in the paper's Figure 1). 'clip_at_bound' is the fraction of the "
        "clipped critic's weights at +-c (within 1%; 1% at initialisation, which is uniform in "
        "[-c, c]); 'gp_at_bound' the same fraction for the penalised critic relative to its "
        "largest weight. 'clip_grad_norm' and 'gp_grad_norm' are the mean ||grad_x f|| between "
        "real and fake samples (log scale): about 1 for the penalty, orders of magnitude lower "
        "under clipping. Snapshot: weight histograms of both critics (x = weight / largest "
        "|weight| from -1 to 1; clipping shows two spikes at the edges) and both critics' value "
        "surfaces over [-3, 3]^2 (clipped first).\n"
        "Verdict: passes when at least 20% of clipped weights sit at +-c (20x their share at "
        "initialisation) while under 5% of the "
        "penalised critic's weights are at its extremes, and the penalised critic's gradient "
        "norm is within 0.8-1.2 while the clipped one's stays below 0.01.\n"
        "Source: Gulrajani et al., 'Improved Training of Wasserstein GANs' (2017), Figure 1; "
        "Arjovsky et al., 'Wasserstein GAN' (2017) for clipping (RMSprop)."
    ),
    params=(
        Param("clip", 0.01, "weight clipping bound c", low=1e-4, high=1.0),
        Param("penalty", 10.0, "gradient penalty weight lambda", low=0.0, high=100.0),
        Param("lr_clip", 3e-4, "RMSprop learning rate of the clipped critic", 1e-6, 0.1),
        Param("lr_gp", 1e-3, "Adam learning rate of the penalised critic", 1e-6, 0.1),
        Param("hidden", 64, "hidden units in each of 3 hidden layers", low=4, high=512),
        Param("batch", 256, "samples per step", low=16, high=4096),
        Param("eval_every", 10, "steps between measurements", low=1, high=1000),
    ),
    default_steps=300,
    cost_seconds=2.0,
    max_steps=20_000,
    plots=(
        PlotSpec(
            "weights at the extremes", ("clip_at_bound", "gp_at_bound"), "fraction of weights"
        ),
        PlotSpec(
            "critic gradient norm ||grad_x f||",
            ("clip_grad_norm", "gp_grad_norm"),
            "norm",
            log_y=True,
        ),
    ),
    prediction=Prediction(
        question=(
            "A WGAN critic starts with weights spread evenly over [-0.01, 0.01] and is clipped "
            "to that range after every step. What does its weight histogram look like after "
            "training?"
        ),
        choices=(
            "still spread evenly over [-0.01, 0.01]",
            "tall spikes at exactly -0.01 and +0.01",
            "most weights shrunk towards 0",
        ),
    ),
)
