"""The app's remembered choices (today: the theme) in ``settings.toml`` of the config dir.

``STUDYAPP_CONFIG`` (or ``STUDYAPP_HOME``) moves the file, so tests never touch the real
home. A file that cannot be read is ignored with one line saying why; the app never fails
to start over its settings.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from studyapp.paths import config_dir

FILE_NAME = "settings.toml"


@dataclass(frozen=True)
class Settings:
    """What the app remembers between launches."""

    theme: str = ""
    """The theme chosen last ('' the default)."""


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def load_settings(path: Path | None = None) -> tuple[Settings, str]:
    """The saved settings and '' , or the defaults and why the file was ignored."""
    path = path or settings_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), ""
    except OSError as error:
        return Settings(), f"{path}: cannot read settings ({error.strerror or error})"
    import tomllib

    try:
        data = tomllib.loads(raw)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        return Settings(), f"{path}: settings ignored ({error})"
    theme = data.get("theme", "")
    if not isinstance(theme, str):
        return Settings(), f"{path}: settings ignored (theme must be a string)"
    return Settings(theme=theme), ""


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write ``settings`` (atomically: a crash never leaves half a file)."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # A JSON string is a valid TOML basic string for any text.
    fields = asdict(settings).items()
    lines = [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in fields]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
