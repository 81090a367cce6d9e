"""Screens of the study app; each module holds one screen (or a few small modals)."""
