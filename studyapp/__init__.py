"""studyapp: spaced-repetition decks and live PyTorch experiments for deep generative models."""

__version__ = "0.1.0"
