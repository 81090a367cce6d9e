"""Latent traversal of a VAE with a 2-D latent space trained on 8x8 digits."""

from __future__ import annotations

from models.base import ExperimentSpec, Param, PlotSpec, Prediction

SPEC = ExperimentSpec(
    id="latent-traversal",
    title="Latent traversal of a 2-D VAE",
    concepts=(
        "latent traversal",
        "perturbating one latent variable",
        "perturbing one latent variable",
        "close in latent space",
        "latent attribute",
        "interpolate in latent space",
    ),
    summary=(
        "Trains a VAE with a 2-D latent space on sklearn's 8x8 digits and decodes an 8x8 grid "
        "of latent points: walking along one latent axis morphs one digit into another."
    ),
    explanation=(
        "Concept: to see what a VAE's latent variables encode, change one while holding the "
        "others fixed and decode. Because the KL term packs codes near N(0, I), points close "
        "in latent space decode to similar images, so a grid walk shows gradual morphs.\n"
        "What to watch: 'recon' (Bernoulli negative log-likelihood per image) and 'kl' are the "
        "two ELBO terms on the latest minibatch; 'active_units' counts latent units with "
        "Var(E[z|x]) > 0.01; "
        "'smoothness' is the mean distance between decodes of neighbouring grid points divided "
        "by the mean distance between any two grid decodes (small = gradual morphs); "
        "'knn_accuracy' is how often a test digit's nearest training code has its label "
        "(chance 0.1). The snapshot is the decoded grid over z in [-span, span]^2: one row per "
        "z1 value, z2 growing along the row.\n"
        "Verdict: passes when both latent units are active, the grid is smooth (ratio below "
        "0.5) and the latent space groups digits (1-NN accuracy above 0.5).\n"
        "Source: Kingma & Welling, 'Auto-Encoding Variational Bayes' (2014), Figure 4 "
        "(learned 2-D manifolds)."
    ),
    params=(
        Param("hidden", 128, "hidden units", low=8, high=512),
        Param("lr", 3e-3, "Adam learning rate", low=1e-5, high=0.1),
        Param("batch", 128, "minibatch size", low=8, high=1024),
        Param("beta", 1.0, "weight of the KL term", low=0.0, high=20.0),
        Param("span", 2.0, "the grid covers z in [-span, span]^2", low=0.1, high=5.0),
        Param("eval_every", 50, "steps between evaluations", low=1, high=1000),
    ),
    default_steps=1000,
    cost_seconds=3.0,
    max_steps=50_000,
    plots=(
        PlotSpec("ELBO terms", ("recon", "kl"), "nats per image"),
        PlotSpec(
            "latent space quality",
            ("smoothness", "knn_accuracy"),
            "ratio / accuracy",
        ),
    ),
    prediction=Prediction(
        question=(
            "Walk along one latent axis of a trained 2-D VAE, holding the other fixed, and "
            "decode each point. What do you see?"
        ),
        choices=(
            "the digit morphs gradually, sometimes into another digit",
            "unrelated images that jump around from step to step",
            "the same image everywhere",
        ),
    ),
)
