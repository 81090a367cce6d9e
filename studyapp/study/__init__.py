"""Studying: FSRS scheduling, the review queue, exam and quiz modes, behind ``StudyService``.

Domain code: no Textual here. Import ``studyapp.study.service`` for the service and its
dataclasses; this package's import is free of SQL and torch.
"""
