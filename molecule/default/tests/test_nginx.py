"""nginx in front of Daphne, probed end to end from the controller through port 80."""

import http.client
import ipaddress
import json
import re
import socket
import time
import uuid

import pytest
from conftest import assert_unit_running, hosts_in_group, run_playbook
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

testinfra_hosts = hosts_in_group("app")

FOREIGN_ORIGIN = "http://attacker.example"
# Documentation address (RFC 5737): only ever a header value, never contacted.
OUTSIDE_CLIENT = "203.0.113.7"


@pytest.fixture(scope="module")
def nginx_config(host):
    result = host.run("nginx -T")
    assert result.rc == 0, result.stderr
    return result.stdout


def request(ip, method, path, host_header, headers=None, body=None, port=80, timeout=10):
    connection = http.client.HTTPConnection(ip, port, timeout=timeout)
    try:
        all_headers = {"Host": host_header, **(headers or {})}
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def status_from_inside(host, url, headers=None):
    """The HTTP status of a GET made on the host itself (for loopback-only cases)."""
    script = (
        "import json, sys, urllib.error, urllib.request\n"
        "req = urllib.request.Request(sys.argv[1], headers=json.loads(sys.argv[2]))\n"
        "try:\n    print(urllib.request.urlopen(req, timeout=5).status)\n"
        "except urllib.error.HTTPError as error:\n    print(error.code)\n"
    )
    result = host.run("python3 -c %s %s %s", script, url, json.dumps(headers or {}))
    assert result.rc == 0, result.stderr
    return int(result.stdout.strip())


def open_feed(host_ip, origin):
    return connect(f"ws://{host_ip}/ws/feed/", origin=origin, open_timeout=10, close_timeout=2)


def receive_until(feed, wanted, seconds):
    """The first JSON frame for which wanted(frame) holds, within seconds; else fail."""
    deadline = time.monotonic() + seconds
    seen = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            frame = json.loads(feed.recv(timeout=left))
        except TimeoutError:
            break
        if wanted(frame):
            return frame
        seen.append(frame)
    pytest.fail(f"nothing wanted arrived within {seconds} s; frames seen: {seen}")


def test_nginx_is_enabled_and_running(host):
    assert_unit_running(host, "nginx.service")


def test_nginx_listens_on_port_80(host):
    assert host.socket("tcp://0.0.0.0:80").is_listening


def test_nginx_configuration_passes_nginx_t(host):
    result = host.run("nginx -t")
    assert result.rc == 0, result.stderr


def test_distribution_default_site_is_removed(host):
    assert not host.file("/etc/nginx/sites-enabled/default").exists


def test_websocket_read_timeout_is_above_the_alb_idle_timeout(nginx_config):
    timeouts = [int(t) for t in re.findall(r"proxy_read_timeout\s+(\d+)s?;", nginx_config)]
    assert timeouts, "no proxy_read_timeout in the nginx configuration"
    assert min(timeouts) > 120


def test_server_header_carries_no_nginx_version(host_ip):
    _, headers, _ = request(host_ip, "GET", "/health/", host_ip)
    assert headers.get("Server") == "nginx", headers


def test_health_answers_200_through_nginx_for_the_hosts_ip_as_host(host_ip):
    status, _, body = request(host_ip, "GET", "/health/", host_ip)
    assert status == 200, body
    assert json.loads(body) == {"status": "ok"}


def test_a_foreign_host_on_the_page_is_refused_with_400_through_nginx(host_ip):
    status, _, _ = request(host_ip, "GET", "/", "attacker.example")
    assert status == 400


def test_page_is_served_through_nginx_for_an_allowed_host(host_ip):
    status, _, body = request(host_ip, "GET", "/", host_ip)
    assert status == 200, body[:500]
    assert b"/ws/feed/" in body or b"feed" in body


def test_static_files_are_served_from_disk_with_long_cache_headers(host_ip):
    status, headers, body = request(host_ip, "GET", "/static/feed/feed.js", host_ip)
    assert status == 200, body[:200]
    assert "immutable" in headers.get("Cache-Control", ""), headers
    assert "max-age=31536000" in headers.get("Cache-Control", ""), headers


def test_websocket_handshake_with_an_allowed_origin_answers_101(host_ip):
    with open_feed(host_ip, f"http://{host_ip}") as feed:
        assert feed.response.status_code == 101


def test_websocket_handshake_with_a_foreign_origin_answers_403(host_ip):
    with pytest.raises(InvalidStatus) as refused:
        open_feed(host_ip, FOREIGN_ORIGIN).close()
    assert refused.value.response.status_code == 403


def test_post_created_over_http_arrives_on_the_open_socket(host_ip):
    marker = f"testinfra {uuid.uuid4()}"
    with open_feed(host_ip, f"http://{host_ip}") as feed:
        status, _, body = request(
            host_ip,
            "POST",
            "/create/",
            host_ip,
            headers={"Content-Type": "application/json", "Origin": f"http://{host_ip}"},
            body=json.dumps({"author": "testinfra", "body": marker}),
        )
        assert status == 201, body
        created = json.loads(body)
        frame = receive_until(
            feed, lambda f: f.get("type") == "post" and f.get("body") == marker, seconds=10
        )
    assert frame["id"] == created["id"]
    assert frame["author"] == "testinfra"


def test_a_random_message_arrives_on_the_socket_within_25_s(host_ip):
    with open_feed(host_ip, f"http://{host_ip}") as feed:
        frame = receive_until(feed, lambda f: f.get("type") == "message", 25)
    assert frame.get("body") or frame.get("text") or frame.get("message"), frame


def test_oversized_body_gets_413_with_a_json_error(host_ip, nginx_config):
    limit = re.search(r"client_max_body_size\s+(\d+)([kKmMgG]?);", nginx_config)
    assert limit, "no client_max_body_size in the nginx configuration"
    unit = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[limit.group(2).lower()]
    body = b"x" * (int(limit.group(1)) * unit + 1024)
    json_type = {"Content-Type": "application/json"}
    status, headers, answer = request(host_ip, "POST", "/create/", host_ip, json_type, body)
    assert status == 413
    assert headers.get("Content-Type", "").startswith("application/json"), headers
    assert "error" in json.loads(answer)


def test_metrics_are_served_to_an_allowed_network(host):
    # From the host itself over loopback, which nginx_metrics_allowed_networks admits.
    assert status_from_inside(host, "http://127.0.0.1/metrics") == 200


def test_metrics_are_refused_to_a_client_outside_the_allowed_networks(host):
    # Through a trusted proxy (loopback) on behalf of an outside client: nginx takes the client
    # address from X-Forwarded-For and must refuse it, as it would behind the load balancer.
    forwarded = {"X-Forwarded-For": OUTSIDE_CLIENT}
    assert status_from_inside(host, "http://127.0.0.1/metrics", forwarded) == 403


def test_forged_forwarded_for_from_an_untrusted_client_does_not_unlock_metrics(
    host_ip, nginx_config
):
    with socket.create_connection((host_ip, 80), timeout=5) as probe:
        runner = ipaddress.ip_address(probe.getsockname()[0])
    allowed = re.findall(r"allow\s+([0-9a-fA-F:.]+/\d+);", nginx_config)
    if any(runner in ipaddress.ip_network(network) for network in allowed):
        pytest.skip(f"the test runner's own address {runner} may read /metrics here")
    forged = {"X-Forwarded-For": "127.0.0.1"}
    status, _, _ = request(host_ip, "GET", "/metrics", host_ip, headers=forged)
    assert status == 403


def test_nginx_workers_may_hold_two_descriptors_per_websocket(host, nginx_config):
    connections = int(re.search(r"worker_connections\s+(\d+);", nginx_config).group(1))
    worker = host.check_output("pgrep -f 'nginx: worker process' | head -n 1")
    limits = host.file(f"/proc/{worker}/limits").content_string
    soft = next(line.split()[3] for line in limits.splitlines() if "Max open files" in line)
    assert int(soft) >= 2 * connections, limits


def test_a_bad_nginx_port_stops_site_yml_naming_only_that_variable(host):
    # The nginx checks used to share one message naming three variables.
    before = host.check_output("sha256sum /etc/nginx/sites-available/livefeed.conf")
    result = run_playbook(host, "site.yml", "nginx_upstream_port=70000")
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"site.yml accepted nginx_upstream_port=70000:\n{output}"
    failure = output.partition("fatal:")[2].partition("PLAY RECAP")[0]
    assert "nginx_upstream_port" in failure, output
    others = [
        name for name in ("nginx_ws_read_timeout", "nginx_client_max_body_size") if name in failure
    ]
    assert not others, f"the failure also names {others}:\n{output}"
    assert "changed=0" in output.partition("PLAY RECAP")[2], output
    assert host.check_output("sha256sum /etc/nginx/sites-available/livefeed.conf") == before
