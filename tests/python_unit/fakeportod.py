"""A fake portod for client tests: a unix socket server speaking the framing
of protocol.md 1.2 (written independently of the client's code).

Every request is parsed and recorded in `requests` as (connection number,
TContainerRequest); then `handler(ctx, request)` answers through `ctx`
(reply/event/send_raw/close).  The default handler answers Success and fills
the reply from `responses[method]` (a callable(request, response) or None).
"""

import socket
import threading
import time

from porto import rpc_pb2


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def frame(msg):
    data = msg if isinstance(msg, (bytes, bytearray)) else msg.SerializePartialToString()
    return varint(len(data)) + bytes(data)


def method_of(request):
    fields = request.ListFields()
    return fields[0][0].name if len(fields) == 1 else None


def recv_exact(sock, count):
    buf = b""
    while len(buf) < count:
        chunk = sock.recv(count - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def read_frame(sock):
    length = shift = 0
    while True:
        byte = recv_exact(sock, 1)
        if byte is None:
            return None
        length |= (byte[0] & 0x7F) << shift
        shift += 7
        if byte[0] < 0x80:
            break
    return recv_exact(sock, length)


class Ctx(object):
    """One accepted connection, as seen by a handler."""

    def __init__(self, server, sock, number):
        self.server = server
        self.sock = sock
        self.number = number
        self.closed = False

    def send_raw(self, data, chunk=None, pause=0):
        if chunk is None:
            self.sock.sendall(data)
            return
        for i in range(0, len(data), chunk):
            self.sock.sendall(data[i:i + chunk])
            if pause:
                time.sleep(pause)

    def reply(self, response=None, error=rpc_pb2.Success, msg="", **kw):
        if response is None:
            response = rpc_pb2.TContainerResponse()
        if not response.HasField("error"):
            response.error = error
            response.errorMsg = msg
        self.send_raw(frame(response), **kw)

    def event(self, name, state, when=1700000000, label=None, value=None):
        ev = rpc_pb2.TContainerResponse()
        ev.error = rpc_pb2.Success
        ev.AsyncWait.name = name
        ev.AsyncWait.state = state
        ev.AsyncWait.when = when
        if label is not None:
            ev.AsyncWait.label = label
            ev.AsyncWait.value = value
        return frame(ev)

    def close(self):
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class FakePortod(object):
    def __init__(self, path, handler=None):
        self.path = path
        self.handler = handler or self.default_handler
        self.responses = {}
        self.requests = []
        self.connections = 0
        self.lock = threading.Lock()
        self.stopped = False
        self.ctxs = []
        self.listener = None
        self.start()

    # ---- lifecycle ----

    def start(self):
        self.stopped = False
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.path)
        listener.listen(16)
        listener.settimeout(0.05)
        self.listener = listener
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)
        self.thread.start()

    def stop(self, unlink=True):
        self.stopped = True
        self.thread.join()
        self.listener.close()
        for ctx in list(self.ctxs):
            if not ctx.closed:
                ctx.close()
        if unlink:
            try:
                import os
                os.unlink(self.path)
            except OSError:
                pass

    def _accept_loop(self):
        while not self.stopped:
            try:
                sock, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            sock.settimeout(None)
            with self.lock:
                self.connections += 1
                ctx = Ctx(self, sock, self.connections)
                self.ctxs.append(ctx)
            threading.Thread(target=self._serve, args=(ctx,), daemon=True).start()

    def _serve(self, ctx):
        try:
            while not ctx.closed:
                data = read_frame(ctx.sock)
                if data is None:
                    break
                request = rpc_pb2.TContainerRequest()
                request.ParseFromString(data)
                with self.lock:
                    self.requests.append((ctx.number, request))
                self.handler(ctx, request)
        except OSError:
            pass
        finally:
            if not ctx.closed:
                ctx.close()

    # ---- answers ----

    def default_handler(self, ctx, request):
        method = method_of(request)
        response = rpc_pb2.TContainerResponse()
        response.error = rpc_pb2.Success
        response.errorMsg = ""
        fill = self.responses.get(method)
        if fill is not None:
            fill(request, response)
        ctx.reply(response)

    def methods(self):
        with self.lock:
            return [method_of(r) for _, r in self.requests]

    def last(self, method=None):
        with self.lock:
            for _, r in reversed(self.requests):
                if method is None or method_of(r) == method:
                    return r
        raise AssertionError("no request {}".format(method))

    def all(self, method):
        with self.lock:
            return [r for _, r in self.requests if method_of(r) == method]
