import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.log import log_response

logger = logging.getLogger(__name__)

HEALTH_PATH = "/health/"
# The database cannot be reached or dropped the connection. Other DatabaseErrors (integrity,
# programming) are bugs and stay 500s with a traceback.
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Service unavailable</title></head>
<body><h1>Service unavailable</h1><p>{message}</p></body></html>
"""


class HealthCheckMiddleware:
    """Answers the load balancer's liveness check before anything looks at the Host header.

    The load balancer sends the instance's private IP as Host, which is not (and should not
    be) in ALLOWED_HOSTS. This answers without touching the database, so a database outage
    does not take every instance out of the target group at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return JsonResponse({"status": "ok"})


class DatabaseUnavailableMiddleware:
    """Answers 503 naming the cause when a view cannot reach the database, instead of a bare 500.

    JSON for JSON posts, the API and clients that ask for JSON; a plain page otherwise. One
    warning line per request: the outage is the cause, not a bug, so no traceback.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        if request.method in ("GET", "HEAD"):
            message = "The database is unavailable. Try again."
        else:
            message = "The database is unavailable; nothing was saved. Try again."
        if _wants_json(request):
            response = JsonResponse({"errors": {"__all__": [message]}}, status=503)
        else:
            response = HttpResponse(
                UNAVAILABLE_PAGE.format(message=message),
                status=503,
                content_type="text/html; charset=utf-8",
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        # log_response marks the response as logged, so Django adds no "Service Unavailable" line.
        log_response(
            "database unavailable, answered 503: %s %s: %s: %s",
            request.method,
            request.path,
            type(exception).__name__,
            " ".join(str(exception).split()),
            response=response,
            request=request,
            logger=logger,
            level="warning",
        )
        return response


def _wants_json(request):
    return (
        request.content_type == "application/json"
        or request.path.startswith("/api/")
        or "application/json" in request.headers.get("Accept", "")
    )
