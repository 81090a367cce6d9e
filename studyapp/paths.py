"""Where studyapp finds decks and keeps its data. Environment variables override every path.

- ``STUDYAPP_HOME``: the data directory (default: the platformdirs user data dir);
- ``STUDYAPP_DB``: the database URL or file (handled by the store);
- ``STUDYAPP_DECKS``: the bundled decks directory (default: see :func:`bundled_decks_dir`);
- ``STUDYAPP_CONFIG``: the settings directory (default: ``$STUDYAPP_HOME`` when set, else the
  platformdirs user config dir).
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "studyapp"


def data_dir() -> Path:
    """The directory holding the database, user decks and saved figures."""
    override = os.environ.get("STUDYAPP_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The directory holding ``settings.toml`` (the chosen theme)."""
    override = os.environ.get("STUDYAPP_CONFIG") or os.environ.get("STUDYAPP_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def bundled_decks_dir() -> Path:
    """The lecture decks shipped with studyapp: the wheel carries the repository's top-level
    ``decks/`` as ``studyapp/decks/`` (``setup.py``), found with ``importlib.resources``; a
    source checkout (an editable install) reads ``decks/`` beside the package."""
    override = os.environ.get("STUDYAPP_DECKS")
    if override:
        return Path(override).expanduser()
    from importlib.resources import files

    packaged = Path(str(files("studyapp") / "decks"))  # an installed package is a folder
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "decks"


def user_decks_dir() -> Path:
    """Decks the user added with ``studyapp import``."""
    return data_dir() / "decks"
