"""Managed server processes: started detached in their own group, seen alive and
answering, stopped with the whole group (children included), nothing left behind."""

from __future__ import annotations

import sys
import time

from stackctl.components.model_deployers import process

# A server that forks a child (as `mlflow models serve` forks uvicorn) and answers /ping.
SERVER = """
import http.server, os, sys
port = int(sys.argv[1])
if os.fork() == 0:
    import time
    time.sleep(600)
class Ping(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/ping" else 404)
        self.end_headers()
    def log_message(self, *args):
        print("request", *args, flush=True)
print("listening", flush=True)
http.server.HTTPServer(("127.0.0.1", port), Ping).serve_forever()
"""


def test_start_wait_and_terminate_the_whole_group(tmp_path):
    script = tmp_path / "server.py"
    script.write_text(SERVER)
    port = process.free_port("127.0.0.1")
    log = tmp_path / "logs" / "server.log"
    pid = process.start([sys.executable, str(script), str(port)], log, {}, tmp_path)
    try:
        assert process.wait_ready(pid, f"http://127.0.0.1:{port}/ping", 30) == ""
        assert process.alive(pid)
        assert len(process.group_pids(pid)) == 2  # the server and its child
        assert "listening" in process.tail(log)
    finally:
        process.terminate(pid, grace=5)
    assert not process.alive(pid)
    assert process.group_pids(pid) == []
    assert not process.answers(f"http://127.0.0.1:{port}/ping", timeout=1)


def test_a_server_that_exits_is_reported_with_its_log(tmp_path):
    log = tmp_path / "server.log"
    code = "import sys; print('no such model', flush=True); sys.exit(3)"
    pid = process.start([sys.executable, "-c", code], log, {}, tmp_path)
    started = time.monotonic()
    assert process.wait_ready(pid, "http://127.0.0.1:1/ping", 60) == "the server exited"
    assert time.monotonic() - started < 60
    assert process.tail(log) == "no such model"
    assert not process.alive(pid)


def test_a_server_that_never_answers_times_out(tmp_path):
    pid = process.start(
        [sys.executable, "-c", "import time; time.sleep(60)"], tmp_path / "l.log", {}, tmp_path
    )
    try:
        assert process.wait_ready(pid, "http://127.0.0.1:1/ping", 1) == (
            "the server did not answer within 1 s"
        )
    finally:
        process.terminate(pid, grace=5)
    assert process.group_pids(pid) == []


def test_the_tail_of_a_log_is_bounded(tmp_path):
    log = tmp_path / "big.log"
    log.write_text("x" * 10_000 + "\nlast line")
    assert len(process.tail(log)) <= process.LOG_TAIL
    assert process.tail(log).endswith("last line")
    assert process.tail(tmp_path / "missing.log") == ""
