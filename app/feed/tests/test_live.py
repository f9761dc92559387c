"""The app as deployed: Daphne as a real process (production settings), real WebSocket clients.

The data must be committed for Daphne to see it, hence transactional_db.
"""

import asyncio
import json
import re
import time
from http.cookies import SimpleCookie

import pytest
from django.db import connection
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from .conftest import http_request

pytestmark = pytest.mark.usefixtures("transactional_db")

RECEIVE_TIMEOUT = 5


def create_post(daphne, body, headers=None):
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return http_request(daphne.port, "POST", "/create/", json.dumps({"body": body}), all_headers)


async def receive_event(socket, wanted_type="post"):
    """The next event of a type; random messages from a broadcaster may come in between."""
    while True:
        event = json.loads(await asyncio.wait_for(socket.recv(), RECEIVE_TIMEOUT))
        if event["type"] == wanted_type:
            return event


async def test_post_created_over_http_arrives_on_every_open_socket(daphne):
    async with (
        connect(daphne.ws_url, origin=daphne.origin) as first,
        connect(daphne.ws_url, origin=daphne.origin) as second,
    ):
        response = await asyncio.to_thread(create_post, daphne, "over the wire")
        assert response.status == 201
        created = response.json()
        for socket in (first, second):
            assert await receive_event(socket) == created
        # The catch-up feed a reconnecting client reads has it too.
        page = await asyncio.to_thread(
            http_request, daphne.port, "GET", f"/api/posts/?after={created['id'] - 1}"
        )
        assert page.json()["posts"] == [created]


async def test_idle_socket_outlives_the_redis_socket_timeout(daphne):
    # redis-py's default 5 s socket timeout used to kill the layer's 5 s blocking read.
    async with connect(daphne.ws_url, origin=daphne.origin) as socket:
        await asyncio.sleep(7)
        response = await asyncio.to_thread(create_post, daphne, "still listening")
        assert await receive_event(socket) == response.json()
    assert "Traceback" not in daphne.log()


async def test_burst_of_handshakes_all_succeed_and_all_receive(daphne):
    clients = 200
    sockets = await asyncio.gather(
        *(connect(daphne.ws_url, origin=daphne.origin, open_timeout=20) for _ in range(clients))
    )
    try:
        assert all(socket.response.status_code == 101 for socket in sockets)
        response = await asyncio.to_thread(create_post, daphne, "to the crowd")
        received = await asyncio.gather(*(receive_event(socket) for socket in sockets))
        assert all(event == response.json() for event in received)
    finally:
        await asyncio.gather(*(socket.close() for socket in sockets))


async def test_foreign_origin_handshake_is_refused_with_403_and_logged(daphne):
    with pytest.raises(InvalidStatus) as refused:
        async with connect(daphne.ws_url, origin="http://attacker.example"):
            pass
    assert refused.value.response.status_code == 403
    await asyncio.sleep(0.2)
    assert "websocket handshake refused (403): origin 'http://attacker.example'" in daphne.log()


async def test_unknown_path_handshake_is_refused_with_403_without_a_traceback(daphne):
    url = daphne.ws_url.replace("/ws/feed/", "/ws/nope/")
    mark = len(daphne.log())
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url, origin=daphne.origin):
            pass
    assert refused.value.response.status_code == 403
    await asyncio.sleep(0.2)
    log = daphne.log()[mark:]
    assert "websocket handshake refused (403): no route for path '/ws/nope/'" in log
    assert "Traceback" not in log
    assert "No route found" not in log


def server_connections(database_name):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database_name],
        )
        return cursor.fetchone()[0]


def test_500_requests_leave_database_connections_bounded(daphne):
    database = connection.settings_dict["NAME"]
    assert create_post(daphne, "something to read").status == 201
    peak = 0
    for number in range(500):
        assert http_request(daphne.port, "GET", "/api/posts/?after=0").status == 200
        if number % 25 == 0:
            peak = max(peak, server_connections(database))
    assert peak <= 2
    assert server_connections(database) <= 1


def test_health_answers_any_host_and_pages_validate_host(daphne):
    health = http_request(daphne.port, "GET", "/health/", headers={"Host": "10.0.1.57"})
    assert health.status == 200
    assert health.json() == {"status": "ok"}
    mark = len(daphne.log())
    page = http_request(daphne.port, "GET", "/", headers={"Host": "attacker.example"})
    assert page.status == 400
    time.sleep(0.2)
    lines = daphne.log()[mark:].splitlines()
    refusals = [line for line in lines if "django.security.DisallowedHost" in line]
    assert len(refusals) == 1, lines
    assert " WARNING " in refusals[0]
    assert "'attacker.example'" in refusals[0]
    assert not any("Traceback" in line or " ERROR " in line for line in lines), lines


def test_production_page_names_static_files_by_content_hash(daphne, static_root):
    # nginx caches /static/ for a year as immutable: a changed file must get a new URL.
    page = http_request(daphne.port, "GET", "/", headers={"Host": "localhost"})
    assert page.status == 200
    script = re.search(rb'src="/static/(feed/feed\.[0-9a-f]{12}\.js)"', page.body)
    assert script, page.body[:2000]
    assert (static_root / script.group(1).decode()).is_file()


def test_behind_tls_proxy_posts_from_trusted_origin_are_accepted(daphne):
    proxy = {
        "Host": "app.example.com",
        "X-Forwarded-Proto": "https",
        "Origin": "https://app.example.com",
    }
    assert create_post(daphne, "json via https", proxy).status == 201

    page = http_request(daphne.port, "GET", "/", headers=proxy)
    cookie = SimpleCookie(page.headers["Set-Cookie"])["csrftoken"]
    assert cookie["secure"], "production sets secure cookies"
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1).decode()
    form = http_request(
        daphne.port,
        "POST",
        "/create/",
        f"body=form+via+https&csrfmiddlewaretoken={token}",
        {
            **proxy,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie.value}",
        },
    )
    assert form.status == 302

    api = http_request(daphne.port, "GET", "/api/posts/", headers=proxy).json()
    assert api["next"].startswith("https://app.example.com/")
    assert [post["body"] for post in api["posts"]][-2:] == ["json via https", "form via https"]


def test_ready_names_the_database_when_it_is_down(daphne_without_database):
    server = daphne_without_database
    # Liveness never touches the database, so this instance stays in the target group...
    assert http_request(server.port, "GET", "/health/").status == 200
    # ...while readiness says what is wrong.
    ready = http_request(server.port, "GET", "/health/ready/")
    assert ready.status == 503
    assert ready.json()["failed"] == ["database"]
    assert ready.json()["checks"]["redis"] == "ok"


def log_lines_since(server, mark):
    return server.log()[mark:].splitlines()


def assert_one_warning_without_traceback(lines, text):
    matching = [line for line in lines if text in line]
    assert len(matching) == 1, lines
    assert " WARNING " in matching[0]
    assert not any("Traceback" in line or " ERROR " in line for line in lines), lines


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "message"),
    [
        ("POST", "/create/", '{"body": "lost?"}', {"Content-Type": "application/json"},
         "The database is unavailable; nothing was saved. Try again."),
        ("GET", "/api/posts/?after=0", None, {},
         "The database is unavailable. Try again."),
    ],
)  # fmt: skip
def test_database_down_json_requests_get_503_naming_the_cause(
    daphne_without_database, method, path, body, headers, message
):
    server = daphne_without_database
    mark = len(server.log())
    response = http_request(server.port, method, path, body, headers)
    assert response.status == 503
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"errors": {"__all__": [message]}}
    time.sleep(0.2)
    assert_one_warning_without_traceback(
        log_lines_since(server, mark), f"database unavailable, answered 503: {method} "
    )


def test_database_down_page_and_form_post_get_a_plain_503_page(daphne_without_database):
    server = daphne_without_database
    mark = len(server.log())
    page = http_request(server.port, "GET", "/")
    # A form post with a valid CSRF pair (the 32-character secret serves as both).
    secret = "a" * 32
    form = http_request(
        server.port,
        "POST",
        "/create/",
        f"body=lost%3F&csrfmiddlewaretoken={secret}",
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={secret}"},
    )
    for response, message in (
        (page, b"The database is unavailable. Try again."),
        (form, b"The database is unavailable; nothing was saved. Try again."),
    ):
        assert response.status == 503
        assert response.headers["Content-Type"].startswith("text/html")
        assert b"Service unavailable" in response.body
        assert message in response.body
    time.sleep(0.2)
    lines = log_lines_since(server, mark)
    assert_one_warning_without_traceback(lines, "database unavailable, answered 503: GET /")
    assert_one_warning_without_traceback(lines, "database unavailable, answered 503: POST /")
