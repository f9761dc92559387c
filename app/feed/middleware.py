from django.http import HttpResponseNotAllowed, JsonResponse

HEALTH_PATH = "/health/"


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
