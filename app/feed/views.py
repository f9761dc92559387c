import json
import logging
from functools import partial

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from . import metrics
from .broadcast import broadcast_post
from .forms import PostForm
from .models import Post

logger = logging.getLogger(__name__)

PAGE_POSTS = 50
API_PAGE_MAX = 100
REDIS_CHECK_TIMEOUT = 2


@require_safe
def index(request):
    return render(request, "feed/index.html", {"posts": Post.objects.all()[:PAGE_POSTS]})


def _save(form):
    with transaction.atomic():
        post = Post.objects.create(
            author=form.cleaned_data["author"], body=form.cleaned_data["body"]
        )
        # Clients hear about a post only once it is committed, so the catch-up API has it too.
        transaction.on_commit(partial(broadcast_post, post))
    metrics.add("posts_created_total")
    logger.info("post created id=%s", post.id)
    return post


def _origin_allowed(request):
    """The Origin check Django's CSRF middleware makes, for requests that carry no token."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    scheme = "https" if request.is_secure() else "http"
    return origin == f"{scheme}://{request.get_host()}" or origin in settings.CSRF_TRUSTED_ORIGINS


def _create_json(request):
    # No CSRF token for JSON: a cross-site page can only send application/json with a CORS
    # preflight, which this app never grants, and a browser always sends Origin, checked here.
    if not _origin_allowed(request):
        logger.warning("JSON post refused: origin %r not allowed", request.headers.get("Origin"))
        return JsonResponse({"errors": {"__all__": ["Origin not allowed."]}}, status=403)
    try:
        data = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return JsonResponse({"errors": {"__all__": [f"Malformed JSON: {error}"]}}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"errors": {"__all__": ["Expected a JSON object."]}}, status=400)
    errors = {
        field: ["Must be a string."]
        for field in ("author", "body")
        if data.get(field) is not None and not isinstance(data[field], str)
    }
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    form = PostForm({"author": data.get("author") or "", "body": data.get("body") or ""})
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    return JsonResponse(_save(form).as_event(), status=201)


@csrf_protect
def _create_form(request):
    form = PostForm(request.POST)
    if not form.is_valid():
        context = {"posts": Post.objects.all()[:PAGE_POSTS], "form": form}
        return render(request, "feed/index.html", context, status=400)
    _save(form)
    return redirect("feed:index")


@csrf_exempt  # Form posts are checked by _create_form; JSON posts by their Origin.
@require_POST
def create(request):
    if request.content_type == "application/json":
        return _create_json(request)
    return _create_form(request)


@require_safe
def api_posts(request):
    """Posts after an id, oldest first: the catch-up feed for reconnecting clients."""
    try:
        after = int(request.GET.get("after", "0"))
        limit = int(request.GET.get("limit", str(API_PAGE_MAX)))
    except ValueError:
        return JsonResponse(
            {"errors": {"__all__": ["after and limit must be integers."]}}, status=400
        )
    if after < 0 or not 1 <= limit <= API_PAGE_MAX:
        return JsonResponse(
            {"errors": {"__all__": [f"after must be >= 0 and limit 1..{API_PAGE_MAX}."]}},
            status=400,
        )
    posts = list(Post.objects.filter(id__gt=after).order_by("id")[:limit])
    last = posts[-1].id if posts else after
    return JsonResponse(
        {
            "posts": [post.as_event() for post in posts],
            "more": len(posts) == limit,
            # Below the client's `after` when the database was replaced and ids started again.
            "newest_id": Post.objects.aggregate(newest=Max("id"))["newest"] or 0,
            "next": request.build_absolute_uri(f"{request.path}?after={last}&limit={limit}"),
        }
    )


def _redis_client(url):
    return redis.Redis.from_url(
        url, socket_timeout=REDIS_CHECK_TIMEOUT, socket_connect_timeout=REDIS_CHECK_TIMEOUT
    )


def _channel_layer_redis_url():
    host = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]
    return host["address"] if isinstance(host, dict) else host


@require_safe
def ready(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = f"failed: {type(error).__name__}"
        logger.warning("readiness: database check failed: %s", error)
    try:
        with _redis_client(_channel_layer_redis_url()) as client:
            client.ping()
        checks["redis"] = "ok"
    except redis.RedisError as error:
        checks["redis"] = f"failed: {type(error).__name__}"
        logger.warning("readiness: channel layer redis check failed: %s", error)
    failed = sorted(name for name, state in checks.items() if state != "ok")
    if failed:
        body = {"status": "unavailable", "failed": failed, "checks": checks}
        return JsonResponse(body, status=503)
    return JsonResponse({"status": "ok", "checks": checks})


@require_safe
def prometheus_metrics(request):
    try:
        with _redis_client(settings.REDIS_URL) as client:
            values = client.mget([metrics.shared_key(name) for name in metrics.SHARED_COUNTERS])
        shared = dict(zip(metrics.SHARED_COUNTERS, (int(v or 0) for v in values), strict=True))
    except redis.RedisError as error:
        logger.warning("metrics: shared counters unavailable, redis: %s", error)
        shared = None
    return HttpResponse(metrics.render(shared), content_type="text/plain; version=0.0.4")
