"""Checks the commands share on what the user typed, before any work starts."""

from __future__ import annotations

import os

from studyapp.cli.errors import CliError


def check_parent_folder(path: str, option: str) -> None:
    """Refuse ``path`` when its folder does not exist: a typo must not create folders
    (``--db /tmpp/x.db`` made ``/tmpp``). URLs (``postgresql://...``) are not paths."""
    if "://" in path:
        return
    folder = os.path.dirname(os.path.abspath(os.path.expanduser(path)))
    if not os.path.isdir(folder):
        raise CliError(f"{option} {path}: the folder {folder} does not exist (create it first)")
