"""HTTP promises, through Django's test client against the real PostgreSQL and Redis."""

import json
import logging

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.test import Client

from feed import metrics
from feed.broadcast import FEED_GROUP
from feed.models import Post

pytestmark = pytest.mark.django_db

TRUSTED = {"HTTP_HOST": "app.example.com", "HTTP_ORIGIN": "https://app.example.com"}


def post_json(client, data, **headers):
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post("/create/", body, content_type="application/json", **headers)


def test_index_shows_newest_fifty_posts_newest_first(client):
    Post.objects.bulk_create(Post(body=f"post {n}") for n in range(55))
    response = client.get("/")
    assert response.status_code == 200
    shown = [post.body for post in response.context["posts"]]
    assert len(shown) == 50
    assert shown[0] == "post 54"
    assert shown[-1] == "post 5"
    html = response.content.decode()
    assert html.index("post 54") < html.index("post 53")
    assert "post 4<" not in html
    assert 'id="post-form"' in html
    assert "feed/feed.js" in html


def test_index_escapes_post_bodies(client):
    Post.objects.create(body="<script>alert(1)</script>")
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_create_json_answers_201_with_the_post(client):
    response = post_json(client, {"author": "  ada ", "body": "  hello world  "})
    assert response.status_code == 201
    data = response.json()
    post = Post.objects.get()
    assert data == {
        "type": "post",
        "id": post.id,
        "author": "ada",
        "body": "hello world",
        "created_at": post.created_at.isoformat(),
    }


def test_create_json_author_is_optional(client):
    response = post_json(client, {"body": "anonymous words"})
    assert response.status_code == 201
    assert Post.objects.get().author == ""


def test_create_form_with_csrf_token_redirects_to_index():
    client = Client(enforce_csrf_checks=True)
    token = client.get("/").cookies["csrftoken"].value
    response = client.post("/create/", {"body": "from a form", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert Post.objects.get().body == "from a form"


def test_create_form_without_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/create/", {"body": "forged"})
    assert response.status_code == 403
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"body": ""}, "body", "required"),
        ({"body": "   \n\t "}, "body", "required"),
        ({}, "body", "required"),
        ({"body": "x" * 281}, "body", "at most 280"),
        ({"body": "ok", "author": "a" * 51}, "author", "at most 50"),
        ({"body": 12}, "body", "string"),
        ({"body": "ok", "author": ["x"]}, "author", "string"),
    ],
)
def test_create_json_bad_fields_get_400_per_field(client, data, field, message):
    response = post_json(client, data)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert message in " ".join(errors[field])
    assert not Post.objects.exists()


def test_create_json_limits_are_inclusive(client):
    response = post_json(client, {"body": "x" * 280, "author": "a" * 50})
    assert response.status_code == 201


def test_create_form_bad_fields_get_400_with_messages(client):
    response = client.post("/create/", {"body": " ", "author": "a" * 51})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field="body"' in html
    assert 'data-field="author"' in html
    assert not Post.objects.exists()


@pytest.mark.parametrize("body", ["{not json", " ", '{"body": "unterminated', "\xff"])
def test_create_malformed_json_gets_400(client, body):
    response = post_json(client, body)
    assert response.status_code == 400
    assert "Malformed JSON" in response.json()["errors"]["__all__"][0]


@pytest.mark.parametrize("body", ["[]", '"text"', "42", "null"])
def test_create_json_that_is_not_an_object_gets_400(client, body):
    response = post_json(client, body)
    assert response.status_code == 400
    assert "JSON object" in response.json()["errors"]["__all__"][0]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/create/"),
        ("put", "/create/"),
        ("delete", "/create/"),
        ("post", "/"),
        ("post", "/api/posts/"),
        ("post", "/health/"),
        ("post", "/health/ready/"),
        ("post", "/metrics"),
    ],
)
def test_other_methods_get_405(client, method, path):
    assert getattr(client, method)(path).status_code == 405


def test_create_json_from_foreign_origin_is_refused_and_logged(client, caplog):
    response = post_json(client, {"body": "x"}, HTTP_ORIGIN="https://attacker.example")
    assert response.status_code == 403
    assert not Post.objects.exists()
    assert "https://attacker.example" in caplog.text


def test_json_post_behind_tls_proxy_from_trusted_origin_is_accepted(client):
    response = post_json(client, {"body": "via the load balancer"}, **TRUSTED,
                         HTTP_X_FORWARDED_PROTO="https")  # fmt: skip
    assert response.status_code == 201


def test_form_post_behind_tls_proxy_from_trusted_origin_is_accepted():
    client = Client(enforce_csrf_checks=True, **TRUSTED, HTTP_X_FORWARDED_PROTO="https")
    token = client.get("/").cookies["csrftoken"].value
    response = client.post("/create/", {"body": "secure form", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Post.objects.get().body == "secure form"


def test_form_post_behind_tls_proxy_from_foreign_origin_is_refused():
    client = Client(
        enforce_csrf_checks=True,
        HTTP_HOST="app.example.com",
        HTTP_ORIGIN="https://attacker.example",
        HTTP_X_FORWARDED_PROTO="https",
    )
    token = client.get("/").cookies["csrftoken"].value
    response = client.post("/create/", {"body": "forged", "csrfmiddlewaretoken": token})
    assert response.status_code == 403
    assert not Post.objects.exists()


def test_absolute_urls_follow_x_forwarded_proto(client):
    secure = client.get("/api/posts/", HTTP_HOST="app.example.com", HTTP_X_FORWARDED_PROTO="https")
    plain = client.get("/api/posts/", HTTP_HOST="app.example.com")
    assert secure.json()["next"].startswith("https://app.example.com/api/posts/")
    assert plain.json()["next"].startswith("http://app.example.com/api/posts/")


def test_api_posts_after_id_oldest_first(client):
    posts = Post.objects.bulk_create(Post(body=f"p{n}") for n in range(5))
    response = client.get(f"/api/posts/?after={posts[1].id}")
    assert response.status_code == 200
    data = response.json()
    assert [p["body"] for p in data["posts"]] == ["p2", "p3", "p4"]
    assert data["more"] is False
    assert set(data["posts"][0]) == {"type", "id", "author", "body", "created_at"}


def test_api_posts_reports_the_newest_id_even_when_after_is_beyond_it(client):
    # A page left open across a fresh database asks for ids it will never see again.
    assert client.get("/api/posts/?after=500").json()["newest_id"] == 0
    posts = Post.objects.bulk_create(Post(body=f"p{n}") for n in range(3))
    data = client.get("/api/posts/?after=500").json()
    assert data["posts"] == []
    assert data["newest_id"] == posts[-1].id
    assert client.get("/api/posts/?after=0&limit=1").json()["newest_id"] == posts[-1].id


def test_api_posts_page_is_bounded(client):
    Post.objects.bulk_create(Post(body=f"p{n}") for n in range(130))
    first = client.get("/api/posts/?after=0").json()
    assert len(first["posts"]) == 100
    assert first["more"] is True
    second = client.get(first["next"].replace("http://testserver", "")).json()
    assert len(second["posts"]) == 30
    assert second["more"] is False
    assert client.get("/api/posts/?limit=101").status_code == 400


@pytest.mark.parametrize("query", ["after=abc", "after=-1", "limit=0", "limit=x"])
def test_api_posts_bad_parameters_get_400(client, query):
    assert client.get(f"/api/posts/?{query}").status_code == 400


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("host", ["10.0.1.57", "attacker.example", "172.31.0.9:8000"])
def test_health_answers_any_host(client, host, django_db_blocker):
    # Database access is blocked here: the liveness check must not touch it.
    with django_db_blocker.block():
        response = client.get("/health/", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/", "/api/posts/", "/health/ready/", "/metrics"])
def test_other_pages_refuse_unknown_hosts(client, path):
    assert client.get(path, HTTP_HOST="attacker.example").status_code == 400


def test_unknown_host_is_one_warning_without_traceback(client, caplog):
    with caplog.at_level(logging.DEBUG):
        assert client.get("/", HTTP_HOST="attacker.example").status_code == 400
    assert [(r.name, r.levelname) for r in caplog.records if r.levelno >= logging.WARNING] == [
        ("django.security.DisallowedHost", "WARNING")
    ]
    [record] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert "attacker.example" in record.getMessage()
    assert record.exc_info is None
    assert record.exc_text is None


def test_ready_when_database_and_redis_answer(client):
    response = client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_ready_names_redis_when_it_is_down(client, settings, private_redis):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "feed.channel_layer.BoundedRedisChannelLayer",
            "CONFIG": {"hosts": [private_redis.url]},
        }
    }
    assert client.get("/health/ready/").status_code == 200
    private_redis.stop()
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["failed"] == ["redis"]
    assert response.json()["checks"]["database"] == "ok"


def metric(text, name):
    for line in text.splitlines():
        if line.startswith(f"livefeed_{name} "):
            return float(line.split()[1])
    raise AssertionError(f"livefeed_{name} missing from:\n{text}")


def test_metrics_prometheus_text(client, shared_redis):
    shared_redis.set(metrics.shared_key("random_messages_sent_total"), 7)
    before = client.get("/metrics")
    assert before.status_code == 200
    assert before["Content-Type"].startswith("text/plain; version=0.0.4")
    text = before.content.decode()
    for name in (
        "websocket_connections_open",
        "posts_created_total",
        "broadcasts_sent_total",
        "broadcast_failures_total",
        "random_messages_sent_total",
    ):
        assert f"# TYPE livefeed_{name} " in text
    assert metric(text, "random_messages_sent_total") == 7
    assert metric(text, "redis_up") == 1
    post_json(client, {"body": "count me"})
    after = client.get("/metrics").content.decode()
    assert metric(after, "posts_created_total") == metric(text, "posts_created_total") + 1


def test_post_is_broadcast_after_commit(client, django_capture_on_commit_callbacks):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(FEED_GROUP, channel)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = post_json(client, {"body": "after commit"})
        # Nothing was sent inside the transaction: the broadcast waits for the commit.
        assert len(callbacks) == 1
        sent_before = metrics.value("broadcasts_sent_total")
        callbacks[0]()
        assert metrics.value("broadcasts_sent_total") == sent_before + 1
        message = async_to_sync(layer.receive)(channel)
        assert message["event"] == response.json()
    finally:
        async_to_sync(layer.group_discard)(FEED_GROUP, channel)


def test_create_while_redis_is_down_saves_and_counts_the_failure(
    client, settings, private_redis, django_capture_on_commit_callbacks, caplog
):
    settings.REDIS_URL = private_redis.url
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "feed.channel_layer.BoundedRedisChannelLayer",
            "CONFIG": {"hosts": [private_redis.url]},
        }
    }
    private_redis.stop()
    failures_before = metrics.value("broadcast_failures_total")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(client, {"body": "saved anyway"})
    assert response.status_code == 201
    assert Post.objects.get().body == "saved anyway"
    assert metrics.value("broadcast_failures_total") == failures_before + 1
    assert "broadcast of post" in caplog.text
    # /metrics still answers without Redis and says what it cannot report.
    text = client.get("/metrics").content.decode()
    assert metric(text, "redis_up") == 0
    assert metric(text, "broadcast_failures_total") == failures_before + 1
    assert "livefeed_random_messages_sent_total " not in text
