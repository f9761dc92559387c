import logging


class OneLineFormatter(logging.Formatter):
    """Folds multi-line messages and tracebacks into one line so each event stays one record."""

    def format(self, record):
        return super().format(record).replace("\r", "").replace("\n", " | ")


class WarningWithoutTraceback(logging.Filter):
    """Turns a record into one warning line: for refusals Django logs as errors with a traceback.

    A foreign Host header (django.security.DisallowedHost) is a client's mistake or a scanner,
    answered 400; a traceback per request would bury real errors.
    """

    def filter(self, record):
        record.levelno = logging.WARNING
        record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        return True
