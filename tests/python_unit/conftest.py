"""Pure-Python tests of the `porto` package against a fake portod.

Run: /usr/bin/python3 -m pytest tests/python_unit   (needs `make python`).
"""

import os
import sys

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYDIR = os.path.join(TOP, "python")
HERE = os.path.dirname(os.path.abspath(__file__))

if not os.path.exists(os.path.join(PYDIR, "porto", "rpc_pb2.py")):
    pytest.exit("python/porto/rpc_pb2.py is missing: run `make python` first", returncode=2)

for path in (PYDIR, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)

import fakeportod  # noqa: E402


@pytest.fixture
def server(tmp_path):
    srv = fakeportod.FakePortod(str(tmp_path / "portod.socket"))
    yield srv
    srv.stop()


@pytest.fixture
def conn(server):
    import porto
    c = porto.Connection(socket_path=server.path, timeout=5, reconnect_interval=0.01)
    yield c
    c.disconnect()
