"""k discriminator steps per generator step, and unbalanced learning rates (TTUR)."""

from __future__ import annotations

from models.base import ExperimentSpec, Param, PlotSpec, Prediction

SPEC = ExperimentSpec(
    id="k-steps",
    title="k discriminator steps per generator step",
    concepts=(
        "k steps of d",
        "k steps",
        "discriminator steps",
        "d remains close to optimal",
        "g changes slowly",
        "two time-scale",
        "ttur",
        "learning rate @ discriminator, critic",
        "unbalanced updates",
        "trained alternately",
        "alternating periods",
    ),
    summary=(
        "Trains the same 1-D GAN three ways (1 D step per G step, k D steps, or a 4x larger "
        "D learning rate) and measures how far D stays from the optimal D* for the current G."
    ),
    explanation=(
        "Concept: the GAN algorithm trains D for k steps per G step so that D stays close to "
        "its optimum D* = p_data / (p_data + p_g) while G changes slowly; only then does G's "
        "loss approximate the Jensen-Shannon divergence. The two time-scale update rule (TTUR) "
        "reaches the same balance with a larger learning rate for D instead of extra steps.\n"
        "What to watch: data is N(2, 0.5^2); the generator is affine, G(z) = a z + b, so p_g "
        "is known exactly and D* can be computed at every step. 'gap_*' is the mean "
        "|D(x) - D*(x)| weighted by the mixture density (log scale), for k = 1 ('k1'), k D steps "
        "('kk') and TTUR ('ttur'); 'w2_*' is the generator's 2-Wasserstein distance to the "
        "data. All three share the non-saturating loss, Adam and the G learning rate.\n"
        "Verdict: passes when, averaged over the run, D's gap from D* is smaller with k steps "
        "and with TTUR than with k = 1. The final metrics also report G's distance to the data "
        "for each setting: a closer-to-optimal D does not by itself make G converge faster "
        "(in this 1-D setting the k = 1 run is usually closest to the data at the end).\n"
        "Source: Goodfellow et al., 'Generative Adversarial Nets' (2014), Algorithm 1; "
        "Heusel et al., 'GANs Trained by a Two Time-Scale Update Rule' (2017)."
    ),
    params=(
        Param("k", 5, "discriminator steps per generator step in the k-step run", 2, 50),
        Param("ttur_ratio", 4.0, "D learning rate / G learning rate in the TTUR run", 1.0, 100.0),
        Param("lr", 0.01, "generator learning rate (and D's in the first two runs)", 1e-5, 0.5),
        Param("hidden", 32, "hidden units per layer of D", low=4, high=512),
        Param("batch", 128, "samples per step", low=16, high=4096),
        Param("eval_every", 5, "G steps between measurements", low=1, high=1000),
    ),
    default_steps=300,
    cost_seconds=5.0,
    max_steps=20_000,
    plots=(
        PlotSpec(
            "D's distance from the optimal D*",
            ("gap_k1", "gap_kk", "gap_ttur"),
            "mean |D - D*|",
            log_y=True,
        ),
        PlotSpec("G's distance to the data", ("w2_k1", "w2_kk", "w2_ttur"), "W2", log_y=True),
    ),
    prediction=Prediction(
        question=(
            "Which schedule keeps the discriminator closest to its optimum D* for the current "
            "generator?"
        ),
        choices=(
            "1 D step per G step, equal learning rates",
            "k D steps per G step",
            "1 step, but a 4x larger D learning rate (TTUR)",
            "no real difference",
        ),
    ),
)
