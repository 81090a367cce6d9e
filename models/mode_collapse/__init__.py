"""Mode collapse of a GAN on 2-D Gaussian mixtures, and minibatch std as the fix."""

from __future__ import annotations

from models.base import ExperimentSpec, Param, PlotSpec, Prediction

SPEC = ExperimentSpec(
    id="mode-collapse",
    title="Mode collapse on a ring of Gaussians, fixed by minibatch std",
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
        "Two GANs from the same seed on a ring of 8 Gaussians: a collapse-prone one and the "
        "same one whose discriminator also sees the batch's spread."
    ),
    explanation=(
        "Concept: a generator can fool the discriminator with a few convincing outputs, so it "
        "may put all its samples on one or two modes of the data (mode collapse); the "
        "discriminator, judging one sample at a time, cannot tell. Minibatch standard "
        "deviation (Karras et al. 2018, a simplified minibatch discrimination) gives D the "
        "spread of the batch it judges, so a collapsed batch is easy to spot.\n"
        "Setup: both GANs start from the same weights and noise and train side by side: "
        "MLPs with 2 hidden layers of 64, latent size 16, non-saturating loss, Adam (beta1 "
        "0.5), G learning faster than D (lr 1e-3 vs 3e-4; Metz et al. 2017's standard-GAN "
        "baseline, which collapses, uses 1e-3 vs 1e-4). Data: 8 Gaussians on a circle of "
        "radius 2 with std 0.05 (Metz use 0.02; the wider modes let a short CPU run reach "
        "them), or the 5x5 grid with std 0.05.\n"
        "Calibration, said plainly: a plain GAN with balanced learning rates does NOT "
        "reliably collapse on the 8-ring: with lr_d = 1e-3 it covered 8, 1, 0, 8 and 8 modes "
        "on seeds 0-4 (published counts disagree too: 1/8 in VEEGAN, 6.3/8 in PacGAN). At "
        "the defaults (2,000 steps) the plain GAN covered 0, 1, 1, 1, 0 modes and the "
        "minibatch-std GAN 8, 8, 8, 8, 8 on seeds 0-4. On the grid of 25 neither GAN covers "
        "more than 4 modes in 3,000 steps, so expect an honest 'no clear contrast' there.\n"
        "Watch: the modes-covered curves split apart; the scatter shows the plain GAN's "
        "samples bunched on one mode (or hopping between modes) and the fixed GAN's spread "
        "over the ring.\n"
        "Verdict (VEEGAN/PacGAN protocol): from 2,500 generated samples, a sample is high "
        "quality when within 3 std of its nearest mode; a mode is covered when at least "
        "min_count high-quality samples land on it; reverse KL compares the mode histogram "
        "with the uniform one. Passed when the plain GAN covers at most 1/4 of the modes and "
        "the fixed GAN at least 3/4, on at least 4 of 5 seeds when several are run.\n"
        "Sources: Srivastava et al. 2017 (VEEGAN), Lin et al. 2018 (PacGAN), Metz et al. 2017 "
        "(Unrolled GANs), Karras et al. 2018 (Progressive GANs, minibatch std)."
    ),
    params=(
        Param("data", "ring8", "ring of 8 or grid of 25 Gaussians", choices=("ring8", "grid25")),
        Param("lr_g", 1e-3, "Adam learning rate of both generators", 1e-5, 1e-1),
        Param("lr_d", 3e-4, "Adam learning rate of both discriminators", 1e-5, 1e-1),
        Param("hidden", 64, "hidden units per layer", 8, 512),
        Param("z_dim", 16, "latent dimensions", 1, 256),
        Param("batch", 256, "samples per update", 16, 4096),
        Param("min_count", 20, "high-quality samples (of 2,500) needed to cover a mode", 1, 2500),
    ),
    default_steps=2000,
    cost_seconds=10.0,
    max_steps=50_000,
    plots=(
        PlotSpec(
            "Modes covered (of 2,500 samples)", ("modes_plain", "modes_mbstd"), ylabel="modes"
        ),
        PlotSpec(
            "High-quality samples (within 3 std)",
            ("high_quality_plain", "high_quality_mbstd"),
            ylabel="fraction",
        ),
        PlotSpec(
            "Reverse KL of the mode histogram",
            ("reverse_kl_plain", "reverse_kl_mbstd"),
            ylabel="nats",
        ),
    ),
    prediction=Prediction(
        question=(
            "G learns about 3x faster than D. After 2,000 steps on the ring of 8, which GAN "
            "covers more modes: the plain one or the one whose D also sees the batch's spread?"
        ),
        choices=("The plain GAN", "The GAN with minibatch std", "About the same"),
    ),
    suggestions=(
        # the explanation's calibration: the grid needs about 3,000 steps
        ("grid of 25", "data=grid25, steps=3000"),
        ("25 gaussians", "data=grid25, steps=3000"),
        ("5x5 grid", "data=grid25, steps=3000"),
    ),
)
