"""The one check of each remote target before any scenario: against a port where nothing
listens, a name that does not resolve, a separately started HoneyHive emulator as the "remote"
(a known and an unknown key, a wrong base path, TLS spoken to plain HTTP), and small stand-ins for
an OpenAI-compatible server (a refused key, a model it does not list, a server that never
answers). Each failure is one sentence naming the variable, its value (keys redacted) and a fix."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support.target import preflight
from support.target.config import Config, ConfigError, load_config

from .conftest import RemoteHoneyHive, free_port

Reply = tuple[int, object]


@pytest.fixture
def stub() -> Iterator[Callable[[Callable[[str, str], Reply]], str]]:
    """A loopback HTTP server answering `answer(method, path, authorization)`."""
    servers: list[ThreadingHTTPServer] = []

    def start(answer: Callable[[str, str], Reply]) -> str:
        class Handler(BaseHTTPRequestHandler):
            def _reply(self) -> None:
                status, body = answer(self.path, self.headers.get("Authorization", ""))
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _reply

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()


def hh(url: str, key: str = "hh_some_key_1234", **more: str) -> Config:
    return load_config({"HH_API_URL": url, "HH_API_KEY": key, **more}, None)


def failure(config: Config, timeout: float = 5.0) -> str:
    started = time.perf_counter()
    with pytest.raises(ConfigError) as raised:
        preflight.check(config, timeout=timeout)
    assert time.perf_counter() - started < timeout + 2, "a failed check takes seconds, not minutes"
    message = str(raised.value)
    assert "\n" not in message
    assert "Fix: " in message or "LLM_MODEL" in message
    return message


def test_nothing_listening_stops_the_run_naming_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    message = failure(hh(url))
    assert message.startswith(
        f"HoneyHive is not reachable at HH_API_URL='{url}' (from environment)"
    )
    assert "nothing listens there (connection refused)" in message
    assert "unset HH_API_URL and HH_API_KEY to run on the embedded emulator" in message


def test_a_name_that_does_not_resolve_says_so() -> None:
    message = failure(hh("https://honeyhive.invalid"))
    assert "HH_API_URL='https://honeyhive.invalid'" in message
    assert "the host name does not resolve" in message


def test_the_remote_accepts_its_key(remote_honeyhive: RemoteHoneyHive) -> None:
    checked = preflight.check(hh(remote_honeyhive.url, remote_honeyhive.api_key))
    assert checked.hh_api_url == remote_honeyhive.url


def test_an_unknown_key_is_refused_without_showing_it(remote_honeyhive: RemoteHoneyHive) -> None:
    key = "hh_unknown_key_0123456789"
    message = failure(hh(remote_honeyhive.url, key))
    assert message.startswith(
        f"HoneyHive refused HH_API_KEY=[REDACTED] ({len(key)} characters, from environment): "
        "POST /v1/events/export answered 401 (invalid API key"
    )
    assert key not in message
    assert f"Fix: set HH_API_KEY to an API key of a project at {remote_honeyhive.url}" in message


def test_an_unknown_second_key_is_named_as_such(remote_honeyhive: RemoteHoneyHive) -> None:
    config = hh(remote_honeyhive.url, remote_honeyhive.api_key, HH_API_KEY_2="hh_not_a_key_99")
    assert "HoneyHive refused HH_API_KEY_2=[REDACTED]" in failure(config)


def test_a_base_url_with_a_wrong_path_answers_404(remote_honeyhive: RemoteHoneyHive) -> None:
    message = failure(hh(f"{remote_honeyhive.url}/api", remote_honeyhive.api_key))
    assert f"HH_API_URL='{remote_honeyhive.url}/api'" in message
    assert "answered POST /api/v1/events/export with 404" in message


def test_https_spoken_to_a_plain_http_server(remote_honeyhive: RemoteHoneyHive) -> None:
    url = remote_honeyhive.url.replace("http://", "https://")
    assert "the TLS handshake failed" in failure(hh(url, remote_honeyhive.api_key))


def test_a_server_that_is_not_honeyhive(stub: Callable[..., str]) -> None:
    url = stub(lambda path, auth: (200, "<html>hello</html>"))
    assert "but not with HoneyHive's export reply" in failure(hh(url))


def test_a_bad_scheme_never_gets_to_the_network() -> None:
    with pytest.raises(ConfigError, match="the HoneyHive SDK would silently send to"):
        hh(f"htp://127.0.0.1:{free_port()}")


MODELS = {"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model"}]}


def model(url: str, **more: str) -> Config:
    return load_config(
        {"OPENAI_BASE_URL": url, "OPENAI_API_KEY": "sk-test-123456789", **more}, None
    )


def test_a_model_server_that_lists_the_model_answers_as_it(stub: Callable[..., str]) -> None:
    seen: list[str] = []

    def answer(path: str, auth: str) -> Reply:
        seen.append(f"{path} {auth}")
        return 200, MODELS

    url = stub(answer) + "/v1"
    checked = preflight.check(model(url))
    assert checked.served_model == "gpt-4o-mini" and checked.describe()["llm.url"] == url
    assert seen == ["/v1/models Bearer sk-test-123456789"]


def test_a_model_server_refusing_the_key(stub: Callable[..., str]) -> None:
    error = {"error": {"message": "Incorrect API key provided: sk-test-***", "type": "auth"}}
    url = stub(lambda path, auth: (401, error)) + "/v1"
    message = failure(model(url))
    assert message.startswith("The model refused OPENAI_API_KEY=[REDACTED] (17 characters")
    assert "GET /v1/models answered 401 (Incorrect API key provided" in message
    assert "sk-test-123456789" not in message


def test_a_model_that_is_not_served(stub: Callable[..., str]) -> None:
    url = stub(lambda path, auth: (200, MODELS)) + "/v1"
    message = failure(model(url, LLM_MODEL="gpt-9"))
    assert message == (
        f"LLM_MODEL='gpt-9' (from environment) is not among the models {url} serves "
        "(gpt-4o-mini): set LLM_MODEL to one of them"
    )


def test_a_model_url_where_nothing_listens() -> None:
    message = failure(model(f"http://127.0.0.1:{free_port()}/v1"))
    assert message.startswith("The model is not reachable at OPENAI_BASE_URL=")
    assert "set LLM_BACKEND=local to run on the local model" in message


def test_a_server_that_never_answers_times_out_in_seconds(stub: Callable[..., str]) -> None:
    def slow(path: str, auth: str) -> Reply:
        time.sleep(3)
        return 200, MODELS

    url = stub(slow) + "/v1"
    assert "no answer to GET /v1/models within 0.5 s" in failure(model(url), timeout=0.5)


def test_the_embedded_default_needs_no_check() -> None:
    assert preflight.check(load_config({}, None)) == load_config({}, None)
