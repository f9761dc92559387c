import logging


class OneLineFormatter(logging.Formatter):
    """Folds multi-line messages and tracebacks into one line so each event stays one record."""

    def format(self, record):
        return super().format(record).replace("\r", "").replace("\n", " | ")
