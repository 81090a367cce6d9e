"""Posterior collapse: an autoregressive decoder at beta = 1 ignores z; free bits keep it."""

from __future__ import annotations

from models.base import Control, ExperimentSpec, Param, PlotSpec, Prediction

_ARMS = ("plain", "free_bits", "annealed", "factorised")

SPEC = ExperimentSpec(
    id="posterior-collapse",
    title="Posterior collapse with a strong decoder, and free bits against it",
    concepts=(
        "posterior collapse",
        "kl vanishing",
        "free bits",
        "autoregressive decoder",
        "decoder ignores the latent",
        "ignores the latent code",
    ),
    summary=(
        "Four VAEs on 8x8 digits at KL weight 1: an autoregressive (MADE) decoder plain, "
        "with free bits, with KL annealing, and a factorised decoder for reference."
    ),
    explanation=(
        "Concept: a decoder that can model the data without z makes z pointless: the cheapest "
        "ELBO then sets q(z|x) = p(z) for every x, the KL term goes to 0 and z carries no "
        "information about x (posterior collapse; Bowman et al. 2016 Sec. 3.1, with an LSTM "
        "decoder at the ordinary beta = 1). Free bits (Kingma et al. 2016, appendix C.8) make "
        "each latent dimension's first lambda nats of KL free, so the encoder loses nothing by "
        "using them; KL annealing (Bowman et al. 2016 Sec. 3.1) raises the KL weight from 0 to 1 "
        "over the first part of training.\n"
        "Setup: 1,347 training digits in [0, 1], Bernoulli likelihood, 8 latent units, encoder "
        "and decoder MLPs with 64 hidden units (ELU), Adam, batches of 64. The autoregressive "
        "decoder adds a one-hidden-layer MADE (Germain et al. 2015): pixel i's logit also sees "
        "pixels 1..i-1. All four arms start from the same weights and noise per seed. On the 450 "
        "test digits: KL (nats per digit); what z tells about x, the mutual information I(x; z) "
        "of the encoder over the test digits (the average KL is I(x; z) plus KL(q(z) || p(z)), "
        "Hoffman & Johnson 2016, so a KL near 0 means z says nothing about x); reconstruction; "
        "and active units (Var_x E[z|x] > 0.01, Burda et al. 2016).\n"
        "Watch: the plain arm's KL falls to about 0 within a few hundred steps while its "
        "reconstruction keeps improving through the MADE path (it ends better than the "
        "factorised decoder's, which uses z); free bits hold KL near 8 x lambda, and z then "
        "tells about 3 nats about x; the factorised decoder keeps its units.\n"
        "Verdict, per seed: the plain autoregressive arm ends with KL < 0.25 nats (collapsed), "
        "and in the free-bits arm z tells at least 1 nat about x; 4 of 5 seeds must pass. "
        "Calibrated on seeds 0-9 at the defaults: plain KL 0.01-0.05 nats (information under "
        "0.08 nats; the 0.01 variance threshold still counts 0-3 barely moving units there, "
        "which is why the verdict reads information, not units), free bits 3.1-3.4 nats (8 "
        "units), factorised 2.4-2.8 nats (7-8 units). KL annealing (linear to 1 over half the "
        "run) did NOT prevent collapse here (KL < 0.07, 0-4 units): once its weight reaches 1 "
        "the collapse proceeds; Bowman et al. also needed word dropout, a weakened decoder.\n"
        "Controls: decoder = factorised removes the strong decoder; then nothing collapses (KL "
        "2.7-3.1 nats) and the verdict fails. Two sanity checks: free_bits = 0 makes the remedy "
        "arm train exactly like the plain arm, and steps = 1 (untrained weights) leaves z "
        "telling under 0.1 nats in every arm.\n"
        "Where a linked card differs: the kl-term experiment's cards tie collapse to a large "
        "beta; here it happens at beta = 1, caused by the decoder's strength.\n"
        "Sources: Bowman et al. 2016, Generating Sentences from a Continuous Space (Sec. 3.1, KL "
        "annealing and word dropout); Kingma et al. 2016, Improved Variational Inference with "
        "Inverse Autoregressive Flow (free bits, appendix C.8); Germain et al. 2015 (MADE); "
        "Hoffman & Johnson 2016, ELBO surgery (KL = information + marginal KL); Burda et al. "
        "2016 (active units)."
    ),
    params=(
        Param(
            "decoder",
            "autoregressive",
            "decoder of the first three arms",
            choices=("autoregressive", "factorised"),
        ),
        Param("free_bits", 0.5, "lambda: free KL nats per latent dimension", 0.0, 5.0),
        Param("anneal_fraction", 0.5, "share of the run spent raising the KL weight", 0.01, 1.0),
        Param("latent", 8, "latent dimensions", 1, 32),
        Param("hidden", 64, "hidden units of encoder, decoder and MADE", 8, 512),
        Param("batch", 64, "digits per step", 8, 1347),
        Param("lr", 3e-3, "Adam learning rate", 1e-5, 1e-1),
    ),
    default_steps=800,
    cost_seconds=3.0,
    max_steps=50_000,
    plots=(
        PlotSpec("KL(q(z|x) || p(z)) per test digit", tuple(f"kl_{a}" for a in _ARMS), "nats"),
        PlotSpec("Active latent units", tuple(f"active_{a}" for a in _ARMS), "units"),
        PlotSpec("Reconstruction -log p(x|z)", tuple(f"recon_{a}" for a in _ARMS), "nats"),
    ),
    prediction=Prediction(
        question=(
            "A VAE whose decoder also sees the previous pixels (autoregressive) is trained "
            "with the ordinary KL weight beta = 1. How many of its 8 latent units does it "
            "use at the end?"
        ),
        choices=("None or almost none: z is ignored", "Several of them"),
    ),
    controls=(
        Control(
            set={"decoder": "factorised"},
            why="a factorised decoder cannot model the digits without z, so the posterior "
            "does not collapse",
            kind="absent",
        ),
        Control(
            set={"free_bits": 0.0},
            why="no free bits: the remedy arm trains exactly like the plain arm",
            kind="sanity",
        ),
        Control(set={"steps": 1}, why="untrained weights: z tells nothing about x", kind="sanity"),
    ),
)
