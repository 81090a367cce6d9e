"""The KL term of the VAE loss: beta sweep, posterior collapse and KL annealing on 8x8 digits."""

from __future__ import annotations

from models.base import Control, ExperimentSpec, Param, PlotSpec, Prediction

_MODELS = ("beta_0_5", "beta_1", "beta_1_5", "beta_max")

SPEC = ExperimentSpec(
    id="kl-term",
    title="The KL term: beta sweep, posterior collapse, KL annealing",
    concepts=(
        "kl divergence",
        "kl term",
        "vae loss",
        "elbo",
        "evidence lower bound",
        "beta-vae",
        "kl annealing",
        "active units",
        "kullback",
        "variational lower bound",
        "reconstruction loss @ vae, variational",
        "distribution loss @ vae",
        "prior distribution @ vae",
    ),
    summary=(
        "Five VAEs on scikit-learn's 8x8 digits trained side by side: KL weight beta = 0.5, "
        "1, 1.5, beta_max, and one whose KL weight is annealed from 0 up to 1.5."
    ),
    explanation=(
        "Concept: the VAE loss is reconstruction + beta * KL(q(z|x) || p(z)). The KL term "
        "pulls every posterior towards the prior N(0, I); the larger beta, the less "
        "information z may carry. Past some beta the optimiser gives up on z altogether: "
        "q(z|x) = p(z) for every x, the decoder outputs an average digit, and no latent unit "
        "is used (posterior collapse). KL annealing starts beta at 0 and raises it slowly, so "
        "the encoder learns useful codes before the KL cost bites.\n"
        "Setup: 1,797 digits scaled to [0, 1], Bernoulli decoder, 8 latent units, MLPs with "
        "128 hidden units (ELU), Adam, batches of 128; the five models share initial weights "
        "and noise per seed. Every 1% of the run all digits are encoded to measure the "
        "reconstruction and KL (nats per digit) and the active units: a unit is active when "
        "Var_x(E[z|x]) > 0.01 (Burda et al. 2016).\n"
        "Watch: the KL curves stack in reverse order of beta; at beta_max the KL drops to 0 "
        "within a few hundred steps and its reconstruction stays at the level of an average "
        "digit; the annealed model's KL rises first, then shrinks as its weight reaches 1.5.\n"
        "Verdict, per seed: (1) the final KL does not grow with beta, (2) 0 active units at "
        "beta_max, (3) the annealed model ends with more active units than the constant "
        "beta = 1.5 model. Calibrated on seeds 0-4 at the defaults: (1) and (2) on 5 of 5, "
        "(3) on 5 of 5 (about 5.6 vs 4.2 units); annealing to beta 2 only helped on 3 of 5 "
        "seeds, and at beta 4 both collapse, so the comparison is made at 1.5.\n"
        "Sources: Kingma & Welling 2014 (VAE); Higgins et al. 2017 (beta-VAE); Bowman et al. "
        "2016 (KL annealing, posterior collapse); Burda et al. 2016 (active units)."
    ),
    params=(
        Param("beta_max", 4.0, "the largest KL weight of the sweep", 2.0, 1000.0),
        Param("kl_scale", 1.0, "multiplies every beta (0: no KL term, a control)", 0.0, 1.0),
        Param("latent", 8, "latent dimensions", 1, 64),
        Param("hidden", 128, "hidden units of encoder and decoder", 8, 1024),
        Param("batch", 128, "digits per step", 8, 1797),
        Param("lr", 2e-3, "Adam learning rate", 1e-5, 1e-1),
    ),
    default_steps=1500,
    cost_seconds=10.0,
    max_steps=50_000,
    plots=(
        PlotSpec("KL(q(z|x) || p(z)) per digit", tuple(f"kl_{m}" for m in _MODELS), "nats"),
        PlotSpec("Reconstruction -log p(x|z)", tuple(f"recon_{m}" for m in _MODELS), "nats"),
        PlotSpec("Active units", tuple(f"active_{m}" for m in _MODELS), "units"),
    ),
    prediction=Prediction(
        question=(
            "Trained with KL weight beta = beta_max (4 by default) from the start, how many "
            "of its latent units (8 by default) does the VAE still use at the end?"
        ),
        choices=(
            "None: the posterior collapses to the prior",
            "Some, but not all",
            "All of them",
        ),
    ),
    suggestions=(
        # a KL weight far past the point where encoding anything costs more than it saves
        ("large beta", "beta_max=10"),
        ("beta too large", "beta_max=10"),
    ),
    controls=(
        Control(
            set={"kl_scale": 0.0},
            why="with no KL term the codes cost nothing: the rate does not fall with beta",
        ),
        Control(
            set={"beta_max": 2.0},
            why="at beta 2 coding still pays: the rate does not reach zero",
        ),
    ),
)
