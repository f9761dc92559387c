import logging

from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator

logger = logging.getLogger(__name__)


class LoggedOriginValidator(OriginValidator):
    """Channels' OriginValidator, plus one log line for each refused handshake."""

    def valid_origin(self, parsed_origin):
        allowed = super().valid_origin(parsed_origin)
        if not allowed:
            origin = parsed_origin.geturl() if parsed_origin is not None else None
            logger.warning("websocket handshake refused (403): origin %r not allowed", origin)
        return allowed


def logged_allowed_hosts_origin_validator(application):
    """AllowedHostsOriginValidator (origins must be in ALLOWED_HOSTS), logging refusals."""
    validator = AllowedHostsOriginValidator(application)
    return LoggedOriginValidator(validator.application, validator.allowed_origins)
