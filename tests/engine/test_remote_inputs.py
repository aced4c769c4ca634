"""A `path` input given as a URL that cannot be fetched (issue 26, item 3): the error names the input,
says the file is remote and what failed — against a real HTTP server on 127.0.0.1 and a closed port."""

from __future__ import annotations

import http.server
import socket
import threading

import pytest

import pynf
from pynf.errors import RemoteInputError

from ..paths import MODULE_FIXTURES
from ..support import require_engine, require_tools

pytestmark = pytest.mark.engine

SEQTK = MODULE_FIXTURES / "seqtk_seq"
FASTQ = b"@r1\nACGTACGTAC\n+\nIIIIIIIIII\n"


class _Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self, body: bool) -> None:
        if self.path != "/data/reads.fq":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(FASTQ)))
        self.end_headers()
        if body:
            self.wfile.write(FASTQ)

    def do_HEAD(self):  # noqa: N802 (http.server's naming)
        self._answer(False)

    def do_GET(self):  # noqa: N802
        self._answer(True)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    require_engine()
    require_tools("seqtk")
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    srv.server_close()


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def _run(tmp_path, url):
    return pynf.run(SEQTK, meta={"id": "s"}, fastx=url, run_dir=tmp_path / "run", outdir=tmp_path / "out")


def test_a_url_answering_404_names_the_input_and_the_http_status(tmp_path, server):
    url = f"{server}/data/missing.fq"
    with pytest.raises(RemoteInputError) as info:
        _run(tmp_path, url)
    err = info.value
    assert (err.input, err.url, err.reason) == ("fastx", url, "the server answered HTTP 404 Not Found")
    assert str(err).startswith(f"input 'fastx': the remote file {url} could not be fetched: "
                               "the server answered HTTP 404 Not Found")


def test_a_url_whose_server_refuses_connections_says_so(tmp_path, server):
    url = f"http://127.0.0.1:{_closed_port()}/reads.fq"
    with pytest.raises(RemoteInputError) as info:
        _run(tmp_path, url)
    assert info.value.input == "fastx" and info.value.url == url
    assert info.value.reason.startswith("the connection was refused")
    assert "remote file" in str(info.value)


def test_a_url_that_can_be_fetched_still_runs(tmp_path, server):
    result = _run(tmp_path, f"{server}/data/reads.fq")
    (meta, fasta), = result.outputs["fasta"]
    assert meta == {"id": "s"} and fasta.read_text() == ">r1\nACGTACGTAC\n"
