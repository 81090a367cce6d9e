"""Mode collapse of a GAN on 2-D Gaussian mixtures: a more effective D, precision and recall."""

from __future__ import annotations

from models.base import Control, ExperimentSpec, Param, PlotSpec, Prediction

SPEC = ExperimentSpec(
    id="mode-collapse",
    title="Mode collapse: a more effective D drives G onto few modes",
    concepts=(
        "mode collapse",
        "mode dropping",
        "missing modes",
        "helvetica scenario",
        "minibatch discrimination",
        "minibatch standard deviation",
        "sample diversity",
    ),
    summary=(
        "Two GANs from the same weights and batches on a ring of 8 Gaussians, one whose D "
        "takes k updates per G update (a more effective D), one with 1; each scored by "
        "precision (samples on a mode) and recall (modes that get samples)."
    ),
    explanation=(
        "Concept: mode collapse is a generator that puts its samples on a few modes of the "
        "data: high quality, low coverage. The lecture card (DL-09, 'what is mode collapse') "
        "blames a discriminator that is 'too effective'. One published account of that "
        "mechanism: with D near its optimum, the non-saturating G loss has the gradient of "
        "KL(p_g || p_data) - 2 JSD, and KL(p_g || p_data) punishes fake-looking samples hard "
        "but missing modes hardly at all (Arjovsky & Bottou 2017, Sec. 2.2, Theorem 2.5). The "
        "other account, G over-fitted to a D that lags behind so it jumps to D's favourite "
        "point (Goodfellow 2016, NIPS tutorial Sec. 5.1.1; Metz et al. 2017), is not what "
        "this run varies.\n"
        "Setup: per seed, two GANs start from the same weights and draw the same batches: "
        "MLPs with 2 hidden layers of 64 (leaky-ReLU D), latent size 16, non-saturating "
        "loss, Adam (beta1 0.5) at 2e-3 for both networks, batches of 128, 2,500 G updates. "
        "The only difference: the first arm's D takes d_steps = 5 updates per G update, the "
        "second arm's 1. Data: 8 Gaussians on a circle of radius 2, std 0.05 (Metz et al. "
        "use 0.02); the 5x5 grid is offered too, but the bars were calibrated on the ring. "
        "Both arms and all seeds train in one batched step.\n"
        "Measured: every 50 steps, 2,500 samples of each arm (the same latents). Precision: "
        "the share within 3 std of a mode (quality). A mode is covered when at least "
        "min_share (2%) of the samples are high-quality samples on it; recall = covered "
        "modes / 8 (coverage). This is the mode-based form of the precision/recall split of "
        "Sajjadi et al. 2018 and Kynkäänniemi et al. 2019 (who estimate manifolds with k-NN "
        "balls; here the mixture is known). The verdict takes each score's median over the "
        "last 5 evaluations (the last 10% of the run), so one moment of an oscillating GAN "
        "does not decide it.\n"
        "Watch: both precision curves climb; on most seeds the k-step arm's recall falls to "
        "1-3 modes while the 1-step arm's stays at 5-8. In the snapshot the k-step arm's "
        "samples sit on one to three clusters of the ring, the 1-step arm's on most of them. "
        "Not every seed shows it: of 40 seeds tried at the defaults (0-9, 16-35, 61-70) the "
        "verdict failed on 2, once because the k-step arm still covered 4 modes, once 6.\n"
        "Verdict, per seed: the k-step arm collapsed (precision >= 50% on 1 to 3 modes) and "
        "the 1-step arm covered (precision >= 50% on at least 5 modes, more than half). "
        "Calibrated on seeds "
        "0-9: 10 of 10; the 5-step arm put 65-96% of its samples on 2-3 modes, the 1-step "
        "arm 76-89% on all 8.\n"
        "Controls (each must fail): minibatch std on (kind absent; Karras et al. 2018, Sec. "
        "3: D also sees the batch's spread, so a batch on a few modes is easy to spot; here "
        "each first-layer feature's spread enters D, where Karras et al. average them to one "
        "number): 0 of 10, the 5-step arm then covered all 8 modes on every seed (precision "
        "69-88%), so the remedy works; both arms at 1 D step, the second from independent "
        "weights and batches (null): 0 of 10, both arms covering 6-8 modes, so the gap the "
        "verdict needs is not seed noise; both arms at 1 D step from the same weights and "
        "batches (sanity: the two arms are then one run).\n"
        "Sources: Arjovsky & Bottou, 'Towards Principled Methods for Training GANs' (2017), "
        "Sec. 2.2; Goodfellow, 'NIPS 2016 Tutorial: GANs', Sec. 5.1.1; Metz et al. 2017 "
        "(Unrolled GANs), the 2-D mixture experiment; Sajjadi et al. 2018, Sec. 3; "
        "Kynkäänniemi et al. 2019, Sec. 2; Karras et al. 2018 (Progressive GANs), Sec. 3."
    ),
    params=(
        Param("data", "ring8", "ring of 8 or grid of 25 Gaussians", choices=("ring8", "grid25")),
        Param("d_steps", 5, "D updates per G update in the 'strong' arm", 1, 50),
        Param("mbstd", False, "D also sees the minibatch standard deviation (the remedy)"),
        Param(
            "independent",
            False,
            "the 1-step arm starts from other weights and draws other batches (null control)",
        ),
        Param("lr_g", 2e-3, "Adam learning rate of the generators", 1e-5, 1e-1),
        Param("lr_d", 2e-3, "Adam learning rate of the discriminators", 1e-5, 1e-1),
        Param("hidden", 64, "hidden units per layer", 8, 512),
        Param("z_dim", 16, "latent dimensions", 1, 256),
        Param("batch", 128, "samples per update", 16, 4096),
        Param(
            "min_share", 0.02, "share of all samples a mode needs to count as covered", 0.001, 0.5
        ),
    ),
    default_steps=2500,
    cost_seconds=12.0,
    max_steps=50_000,
    plots=(
        PlotSpec(
            "Precision: share of samples within 3 std of a mode",
            ("precision_strong", "precision_one"),
            ylabel="fraction",
        ),
        PlotSpec("Recall: share of modes covered", ("recall_strong", "recall_one"), "fraction"),
    ),
    prediction=Prediction(
        question=(
            "D takes 5 steps per G step, so it stays close to its optimum. After 2,500 G steps "
            "on the ring of 8 Gaussians, where are the generator's samples?"
        ),
        choices=(
            "spread over most of the 8 modes",
            "piled on a few of the modes",
            "scattered between the modes",
        ),
    ),
    compares_arms=True,
    controls=(
        Control(
            {"mbstd": True},
            "the remedy on: D sees the batch's spread, so samples piled on a few modes are "
            "caught and the k-step arm no longer collapses",
            kind="absent",
        ),
        Control(
            {"d_steps": 1, "independent": True},
            "both arms take 1 D step, from independent weights and batches: whatever gap "
            "remains is seed noise, and the verdict's bar must sit above it",
            kind="null",
        ),
        Control(
            {"d_steps": 1},
            "one D step in both arms from the same weights and batches: the two arms are one "
            "run (fails by construction, a check of the code path)",
            kind="sanity",
        ),
    ),
    suggestions=(
        ("grid of 25", "data=grid25, steps=3000"),
        ("25 gaussians", "data=grid25, steps=3000"),
        ("5x5 grid", "data=grid25, steps=3000"),
    ),
)
