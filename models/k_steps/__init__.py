"""k discriminator steps per generator step, and unbalanced learning rates (TTUR)."""

from __future__ import annotations

from models.base import Control, ExperimentSpec, Param, PlotSpec, Prediction

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
        "its optimum D* = p_data / (p_data + p_g) while G changes slowly (the 'train k steps "
        "of D' card). The two time-scale update rule (TTUR) aims at the same balance with a "
        "larger learning rate for D instead of extra steps. At D*, the minimax loss equals "
        "2 JSD(p_data || p_g) - log 4 (Goodfellow et al. 2014, Theorem 1); this run uses the "
        "non-saturating G loss, whose gradient at D* is that of KL(p_g || p_data) - "
        "2 JSD(p_data || p_g) (Arjovsky & Bottou 2017, Theorem 2.5), not of the JSD.\n"
        "What the run measures: data is N(2, 0.5^2); G(z) = a z + b, so p_g and D* are known "
        "exactly. Three arms: k = 1 ('k1'), k D steps per G step ('kk') and k = 1 with D's "
        "learning rate ttur_ratio times G's ('ttur'). Each arm trains 8 GANs per seed "
        "('replicas', each from its own D init and batches); by default the arms share "
        "those streams (D step i of every arm sees the same batch). 'gap_*' is the mean "
        "|D(x) - D*(x)| weighted by the mixture density (log scale); 'w2_*' is G's "
        "2-Wasserstein distance to the data.\n"
        "Verdict, per seed (4 of 5 must pass): averaged over the run and the replicas, both "
        "the k-step arm's gap and the TTUR arm's are below 0.6 of the k = 1 arm's. Seeds "
        "0-9 at the defaults: k = 5 gives 0.18-0.28, TTUR 0.32-0.50. The summary gives each "
        "ratio as mean +- sd over seeds. It says nothing about G: a closer-to-optimal D does "
        "not by itself bring G closer to the data (here k = 1 usually ends closest).\n"
        "Controls, all with independent streams per arm: k = 1 (no extra D steps) and "
        "ttur_ratio = 1 (no faster D) each switch one schedule off, and the null control "
        "sets both, so all three arms are the same k = 1 GAN: their ratios (0.68-1.55 on "
        "seeds 0-9) show how far two runs differ by chance, which is why the bar is 0.6. "
        "Every control fails.\n"
        "The deck's 'unbalanced updates' cards warn that one player can dominate; this run "
        "shows only the intended effect on D's optimality, not that instability.\n"
        "Source: Goodfellow et al., 'Generative Adversarial Nets' (2014), Algorithm 1 and "
        "Sec. 4; Heusel et al., 'GANs Trained by a Two Time-Scale Update Rule' (2017), Sec. 2; "
        "Arjovsky & Bottou, 'Towards Principled Methods for Training GANs' (2017), Sec. 2.2."
    ),
    params=(
        Param("k", 5, "discriminator steps per generator step in the k-step run", 1, 50),
        Param("ttur_ratio", 4.0, "D learning rate / G learning rate in the TTUR run", 1.0, 100.0),
        Param("lr", 0.005, "generator learning rate (and D's in the first two runs)", 1e-5, 0.5),
        Param("hidden", 32, "hidden units per layer of D", low=4, high=512),
        Param("batch", 128, "samples per step", low=16, high=4096),
        Param("eval_every", 5, "G steps between measurements", low=1, high=1000),
        Param("replicas", 8, "GANs per arm and seed, each from its own D init", 1, 16),
        Param(
            "streams",
            "shared",
            "the arms' random draws: shared (same D init and batches) or independent",
            choices=("shared", "independent"),
        ),
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
    controls=(
        Control(
            {"k": 1, "streams": "independent"},
            "one D step per G step in the k-step arm too: nothing keeps its D nearer D*",
        ),
        Control(
            {"ttur_ratio": 1.0, "streams": "independent"},
            "equal learning rates in the TTUR arm too: nothing keeps its D nearer D*",
        ),
        Control(
            {"k": 1, "ttur_ratio": 1.0, "streams": "independent"},
            "three identical k = 1 arms with their own streams: the ratios are chance",
            kind="null",
        ),
    ),
    compares_arms=True,
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
