"""Experiments as the app sees them: card links, run backends and saved figures.

Headless (no Textual, no SQL); the torch side lives in the top-level ``models`` package.
"""
