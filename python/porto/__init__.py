"""Python client of the Porto container manager.

Usage::

    import porto

    conn = porto.Connection()
    ct = conn.Run("test", command="echo Hello", weak=True, start=True)
    ct.WaitContainer(timeout=10)
    print(ct.GetProperty("stdout"))
    conn.Destroy(ct)

``porto.Connection`` talks to portod over its unix socket (default
$PORTO_SOCKET, else /run/portod.socket).  Errors are raised as subclasses of
``porto.exceptions.PortoException``, one per ``rpc_pb2.EError`` value.
``Container``, ``Volume``, ``Layer`` and the other handles live in
``porto.api``.  Python 3 only.
"""

try:
    from . import rpc_pb2
except ImportError as e:  # pragma: no cover - depends on the checkout
    raise ImportError("porto.rpc_pb2 is missing or broken ({}); it is generated "
                      "from proto/rpc.proto by `make python`".format(e)) from e

from . import exceptions
from . import api
from .api import Connection

__all__ = ["Connection", "api", "exceptions", "rpc_pb2"]
