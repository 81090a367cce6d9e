"""The KL term of the VAE loss: a beta sweep on 8x8 digits, down to zero rate."""

from __future__ import annotations

from models.base import Control, ExperimentSpec, Param, PlotSpec, Prediction

_MODELS = ("beta_0_5", "beta_1", "beta_1_5", "beta_max")

SPEC = ExperimentSpec(
    id="kl-term",
    title="The KL term: a beta sweep from informative codes to zero rate",
    concepts=(
        "kl divergence",
        "kl term",
        "vae loss",
        "elbo",
        "evidence lower bound",
        "beta-vae",
        "active units",
        "kullback",
        "variational lower bound",
        "reconstruction loss @ vae, variational",
        "distribution loss @ vae",
        "prior distribution @ vae",
    ),
    summary=(
        "Four VAEs on scikit-learn's 8x8 digits trained side by side with KL weight "
        "beta = 0.5, 1, 1.5 and beta_max: the larger beta, the less z may carry, down to nothing."
    ),
    explanation=(
        "Concept: the VAE loss is reconstruction + beta * KL(q(z|x) || p(z)) with p(z) = "
        "N(0, I) (beta = 1: the negative ELBO, Kingma & Welling 2014 Sec. 2.2; beta > 1: "
        "beta-VAE, Higgins et al. 2017 Sec. 2). Averaged over the data, the KL term is the "
        "rate R (nats z carries about x) and the reconstruction the distortion D, so the loss "
        "is D + beta R: beta prices each nat of code (Alemi et al. 2018, 'Fixing a Broken "
        "ELBO', Sec. 2). A nat is worth encoding only while it lowers D by more than beta; "
        "once beta exceeds what the first nat saves, the optimum of this objective is R = 0: "
        "q(z|x) = p(z) for every x and the decoder outputs the average digit.\n"
        "That zero-rate optimum is not posterior collapse: collapse (Bowman et al. 2016) "
        "happens at beta = 1 with a decoder strong enough to model x without z, and KL "
        "annealing is its remedy; see the posterior-collapse experiment. Here the decoder is "
        "factorised and beta_max = 4 simply makes the code too expensive.\n"
        "Setup: 1,797 digits scaled to [0, 1], Bernoulli decoder, 8 latent units, MLPs with "
        "128 hidden units (ELU), Adam, batches of 128; per seed the four models share their "
        "initial weights and noise. Every 1% of the run the digits are encoded to measure "
        "the reconstruction and KL (nats per digit) and the active units: a unit is active "
        "when Var_x(E[z|x]) > 0.01 (Burda et al. 2016, Sec. 5.2).\n"
        "Watch: the KL curves stack in reverse order of beta; at beta_max the KL drops to 0 "
        "early in the run and its reconstruction stays at the level of an average digit.\n"
        "Verdict, per seed: (1) the final KL does not grow with beta (0.05 nats of slack), "
        "(2) the rate at beta_max is zero (KL below 0.1 nats and no active unit), (3) beta = "
        "0.5 keeps at least one unit active. Seeds 0-9 at the defaults: 10 of 10 pass (KL "
        "5.9, 3.0, 1.7 and 0.01 nats; 8, 7.3, 5 and 0 active units).\n"
        "Controls: beta_max = 2 (kind absent: the model trains fully but at that price a nat "
        "of code still pays) must fail, and does on 10 of 10 (KL 0.9 nats, 4.6 active "
        "units); kl_scale = 0 (sanity: no KL term, so the four models are one autoencoder "
        "and nothing can fall with beta) fails by construction. The verdict is about one "
        "model reaching zero rate, not about a gap between two noisy arms, so it has no "
        "null control.\n"
        "Cards: the deck's cards define the loss as reconstruction + KL towards N(0, 1); the "
        "lecture-13 card calls the reconstruction term an L2 loss, while this run uses the "
        "Bernoulli (cross-entropy) reconstruction of Kingma & Welling's appendix C.1."
    ),
    params=(
        Param("beta_max", 4.0, "the largest KL weight of the sweep", 2.0, 1000.0),
        Param("kl_scale", 1.0, "multiplies every beta (0: no KL term, a control)", 0.0, 1.0),
        Param("latent", 8, "latent dimensions", 1, 64),
        Param("hidden", 128, "hidden units of encoder and decoder", 8, 1024),
        Param("batch", 128, "digits per step", 8, 1797),
        Param("lr", 2e-3, "Adam learning rate", 1e-5, 1e-1),
    ),
    default_steps=700,
    cost_seconds=9.0,
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
            "None: every q(z|x) equals the prior (zero rate)",
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
            set={"beta_max": 2.0},
            why="at KL weight 2 each nat of code still saves more than it costs: the model "
            "trains fully, but its rate does not reach zero",
            kind="absent",
        ),
        Control(
            set={"kl_scale": 0.0},
            why="with no KL term all four models are the same autoencoder: nothing can fall "
            "with beta (fails by construction, a check of the code path)",
            kind="sanity",
        ),
    ),
)
