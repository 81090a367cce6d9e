"""The study service's error type (re-exported by ``studyapp.study.service``)."""


class StudyError(ValueError):
    """A request the service refuses (unknown card or deck, bad value): a one-line message."""
