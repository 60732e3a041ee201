"""Client API of the Porto container manager (python-api.md).

Python 3 only: the original also ran on Python 2; this package does not
(it uses Python 3 sockets, bytes and exception semantics).

Decisions about the quirks of the original client (python-api.md 11), each
also noted where it applies ("quirk 11.N"):

  11.1 str(exception) works on Python 3 (self.message is set)      - fixed
  11.2 Container / "child" works (__truediv__; __div__ kept)         - fixed
  11.3 WaitContainers/Wait(labels=...) send the label patterns        - fixed
  11.4 CreateSpec(volume=...) fills the repeated field `volumes`      - fixed
  11.5 ListVolumes(container=...) filters by container                - fixed
  11.6 Stop(name, float_timeout) converts to integer milliseconds     - fixed
  11.7 LinkVolume(path, None) leaves container out (daemon: "self")   - fixed
  11.8 auto_reconnect resends the request, even non-idempotent ones   - kept
  11.9 events are delivered only during calls                         - kept;
       label filters of AsyncWait survive a reconnect                 - fixed
Other departures: deadlines use the monotonic clock; callbacks run after the
reply is read, outside the lock (see _RPC); a garbled reply stream raises
SocketError without resending; a single string where a list of names is
expected is one name; socket_path defaults to $PORTO_SOCKET when set.
"""

import errno
import os
import socket
import threading
import time

from google.protobuf.message import DecodeError

from . import exceptions
from . import rpc_pb2

DEFAULT_SOCKET_PATH = "/run/portod.socket"

# Frames are a varint length (at most 5 bytes, must fit 32 bits) followed by
# that many bytes of protobuf (protocol.md 1.2).
_MAX_VARINT_BYTES = 5
_MAX_FRAME_LEN = 0xFFFFFFFF
_UINT32_MAX = 0xFFFFFFFF

# A daemon that went away must give EPIPE, not a SIGPIPE that kills a host
# program which restored the default signal action.
_SEND_FLAGS = getattr(socket, "MSG_NOSIGNAL", 0)

# Pause between failed connect attempts when reconnect_interval is 0, so a
# missing socket does not turn the retry loop into a busy loop.
_MIN_RETRY_PAUSE = 0.01


class _ProtocolError(Exception):
    """The daemon sent bytes that are not a valid frame/reply."""


def _encode_varint(value):
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def _frame(request):
    data = request.SerializeToString()
    return _encode_varint(len(data)) + data


def _str_to_value(value):
    """"true"/"false" become booleans, everything else stays a string."""
    if value == "true":
        return True
    if value == "false":
        return False
    return value


def _name(obj):
    """Name to send for a container given as a string or a handle."""
    if isinstance(obj, Container):
        return obj.name
    return obj


def _names(objs):
    """Names for a repeated name field: containers given as strings, handles
    or anything str() turns into a name.  A single string is one name, not a
    sequence of one-letter names (the original extended the repeated field
    with its characters)."""
    if isinstance(objs, (str, bytes, Container)):
        objs = [objs]
    return [o if isinstance(o, (str, bytes)) else str(o) for o in objs]


def _strings(items):
    if isinstance(items, (str, bytes)):
        return [items]
    return list(items)


def _timeout_ms(timeout):
    """Seconds (float allowed) to a uint32 millisecond count, clamped."""
    return min(int(timeout * 1000), _UINT32_MAX)


def _encode_message(msg, val, key=None):
    """Fill protobuf message ``msg`` from ``val`` (python-api.md 10).

    A dict fills a message field by field (a dict value fills the
    sub-message of that name); a list whose first element is a dict adds one
    repeated sub-message per element; any other list extends a repeated
    scalar field; a scalar is assigned.  Unlike the original, an empty list
    is accepted (it adds nothing).
    """
    if isinstance(val, dict):
        if key is not None:
            msg = getattr(msg, key)
        msg.SetInParent()
        for k, v in val.items():
            _encode_message(msg, v, k)
    elif isinstance(val, (list, tuple)):
        field = getattr(msg, key)
        if val and isinstance(val[0], dict):
            for item in val:
                _encode_message(field.add(), item)
        else:
            field.extend(val)
    else:
        setattr(msg, key, val)


def _decode_message(msg):
    """Protobuf message to dict: present fields only, sub-messages become
    dicts, repeated ones lists, scalars stay as they are (enums as numbers)."""
    ret = {}
    for dsc, val in msg.ListFields():
        if dsc.type == dsc.TYPE_MESSAGE:
            if dsc.label == dsc.LABEL_REPEATED:
                ret[dsc.name] = [_decode_message(v) for v in val]
            else:
                ret[dsc.name] = _decode_message(val)
        elif dsc.label == dsc.LABEL_REPEATED:
            ret[dsc.name] = list(val)
        else:
            ret[dsc.name] = val
    return ret


class _RPC(object):
    """Transport: one unix socket, framing, deadlines, reconnects, events
    (python-api.md 3).

    Events that arrive while a call reads its reply are collected and passed
    to the callback after the reply has been read and the lock released,
    still before the call returns.  The original called the callback in the
    middle of reading, under the non-reentrant lock: a callback that used
    the connection deadlocked, and one that raised left the reply unread so
    the next call got it.  Now callbacks may use the connection, and an
    exception from a callback propagates out of the call in progress with
    the connection left in a consistent state.
    """

    def __init__(self, socket_path, timeout, socket_constructor,
                 lock_constructor, auto_reconnect, reconnect_interval):
        self.socket_path = socket_path
        self.timeout = timeout
        self.socket_constructor = socket_constructor
        self.lock = lock_constructor()
        self.auto_reconnect = auto_reconnect
        self.reconnect_interval = reconnect_interval

        self.sock = None
        self.sock_pid = None
        self.deadline = None
        self.nr_connects = 0
        self.last_connect_time = None
        self._last_connect_failed = False
        self._last_error = None

        # The AsyncWait request re-sent after every (re)connect, and the
        # callback that receives events.
        self.async_wait_request = None
        self.async_wait_callback = None
        self._resubscribing_allowed = True

    # ---- deadlines ----

    def _set_deadline(self, timeout):
        # Monotonic clock: wall-clock jumps must not cut or stretch calls.
        if timeout is None or timeout < 0:
            self.deadline = None
        else:
            self.deadline = time.monotonic() + timeout

    def _timeout_error(self):
        text = "Porto connection timeout"
        if self._last_error is not None:
            text += " (last error: {})".format(self._last_error)
        return exceptions.SocketTimeout(text)

    def _remaining(self):
        """Seconds left before the deadline (None: no deadline); less than
        1 ms left drops the socket and raises SocketTimeout."""
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left < 0.001:
            self._drop()
            raise self._timeout_error()
        return left

    def _set_socket_timeout(self):
        self.sock.settimeout(self._remaining())

    # ---- socket ----

    def _drop(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None

    def _wait_reconnect_interval(self):
        interval = self.reconnect_interval or 0
        if self._last_connect_failed:
            interval = max(interval, _MIN_RETRY_PAUSE)
        if self.last_connect_time is None or interval <= 0:
            return
        delay = self.last_connect_time + interval - time.monotonic()
        if delay <= 0:
            return
        left = self._remaining()
        if left is not None and delay >= left:
            time.sleep(left)
            self._drop()
            raise self._timeout_error()
        time.sleep(delay)

    def _connect(self, events):
        """One connect attempt (plus resubscription).  Raises OSError or
        socket.timeout from the socket, SocketTimeout at the deadline, or
        the PortoException of a failed resubscription."""
        self._drop()
        self._wait_reconnect_interval()
        self.last_connect_time = time.monotonic()
        self.nr_connects += 1
        self._last_connect_failed = True
        sock = self.socket_constructor(socket.AF_UNIX,
                                       socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        try:
            sock.settimeout(self._remaining())
            sock.connect(self.socket_path)
        except OSError as e:
            sock.close()
            # Name the socket: "No such file or directory" alone does not
            # say which file.
            if not isinstance(e, socket.timeout) and e.errno is not None:
                e = OSError(e.errno, "{}: {}".format(
                    e.strerror or os.strerror(e.errno), self.socket_path))
            raise e
        except BaseException:
            sock.close()
            raise
        self._last_connect_failed = False
        self.sock = sock
        self.sock_pid = os.getpid()
        if self.async_wait_request is not None and self._resubscribing_allowed:
            self._exchange(_frame(self.async_wait_request), events)

    def _ensure_connected(self, events):
        if self.sock is None:
            if not self.auto_reconnect:
                raise exceptions.SocketError("Porto socket is not connected")
            self._connect(events)
        elif self.sock_pid != os.getpid():
            if not self.auto_reconnect:
                raise exceptions.SocketError(
                    "Porto socket connected by other pid {}".format(self.sock_pid))
            self._connect(events)

    # ---- frames ----

    def _recv_exact(self, count):
        buf = bytearray(count)
        view = memoryview(buf)
        pos = 0
        while pos < count:
            self._set_socket_timeout()
            got = self.sock.recv_into(view[pos:], count - pos)
            if got == 0:
                raise ConnectionResetError(errno.ECONNRESET,
                                           "Connection closed by portod")
            pos += got
        return bytes(buf)

    def _recv_frame(self):
        # The length is read one byte at a time so nothing after this frame
        # (an event, say) is consumed before it is wanted.
        length = shift = 0
        for _ in range(_MAX_VARINT_BYTES):
            byte = self._recv_exact(1)[0]
            length |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        else:
            raise _ProtocolError("frame length varint longer than 5 bytes")
        if length > _MAX_FRAME_LEN:
            raise _ProtocolError("frame length {} exceeds 32 bits".format(length))
        return self._recv_exact(length)

    def _recv_reply(self, events):
        """Read frames until one that is not an event; collect the events."""
        while True:
            data = self._recv_frame()
            response = rpc_pb2.TContainerResponse()
            try:
                response.ParseFromString(data)
            except DecodeError as e:
                raise _ProtocolError("cannot parse reply: {}".format(e))
            if response.HasField("AsyncWait"):
                events.append(response.AsyncWait)
                continue
            return response

    def _exchange(self, frame, events):
        """Send one frame and read its reply; error replies raise."""
        self._set_socket_timeout()
        self.sock.sendall(frame, _SEND_FLAGS)
        response = self._recv_reply(events)
        if response.error != rpc_pb2.Success:
            raise exceptions.PortoException.Create(response.error, response.errorMsg)
        return response

    # ---- errors ----

    def _handle_error(self, error, retry, what="Socket error"):
        """Map a transport failure; returns only when the request should be
        sent again on a new connection."""
        if isinstance(error, exceptions.PortoException):
            # A daemon error reply (the connection is fine) or one of ours
            # that already cleaned up.
            raise error
        self._drop()
        if isinstance(error, socket.timeout):
            # Socket timeouts are the remaining time: the deadline passed.
            self._last_error = error
            raise self._timeout_error() from None
        if isinstance(error, _ProtocolError):
            # A garbled stream is not transient: do not resend.
            raise exceptions.SocketError("Porto protocol error: {}".format(error)) from None
        if isinstance(error, OSError):
            self._last_error = error
            if retry:
                return
            raise exceptions.SocketError("{}: {}".format(what, error)) from None
        raise error  # KeyboardInterrupt etc.: socket dropped, state unknown

    # ---- events ----

    def _dispatch(self, events):
        callback = self.async_wait_callback
        if callback is None or not events:
            return
        first_error = None
        for ev in events:
            kwargs = {"name": ev.name, "state": ev.state, "when": ev.when}
            if ev.HasField("label"):
                kwargs["label"] = ev.label
                kwargs["value"] = ev.value
            try:
                callback(**kwargs)
            except Exception as e:
                # Deliver the remaining events, then report the first error.
                if first_error is None:
                    first_error = e
        if first_error is not None:
            raise first_error

    # ---- public ----

    def connect(self, timeout=None, retry=True):
        """(Re)connect; with ``retry`` keep trying until the deadline."""
        events = []
        try:
            with self.lock:
                self._set_deadline(self.timeout if timeout is None else timeout)
                self._last_error = None
                while True:
                    try:
                        self._connect(events)
                        return
                    except BaseException as e:  # noqa: B902 (mapped in _handle_error)
                        # Errors while trying are swallowed until the deadline.
                        self._handle_error(e, retry=retry,
                                           what="Porto connection error")
        finally:
            self._dispatch(events)

    def try_connect(self, timeout=None):
        self.connect(timeout, retry=False)

    def disconnect(self):
        with self.lock:
            self._drop()

    def connected(self):
        return self.sock is not None

    def _call_locked(self, frame, call_timeout, events):
        self._set_deadline(self.timeout)
        self._last_error = None
        extended = False
        while True:
            try:
                self._ensure_connected(events)
                self._set_socket_timeout()
                self.sock.sendall(frame, _SEND_FLAGS)
                # After a resend the deadline is not extended again.
                if not extended:
                    extended = True
                    if call_timeout is None or call_timeout < 0:
                        self.deadline = None
                    elif self.deadline is not None:
                        self.deadline += call_timeout
                return self._recv_reply(events)
            except BaseException as e:  # noqa: B902 (mapped in _handle_error)
                # With auto_reconnect the same request is sent again on a new
                # connection, also after it may already have been executed
                # (quirk 11.8, kept: it is how clients ride out a daemon
                # restart).
                self._handle_error(e, retry=self.auto_reconnect)

    def call(self, request, call_timeout=0, _async_wait=None):
        """Send ``request``, return the TContainerResponse; error replies
        raise.  ``call_timeout``: extra seconds for the reply after sending,
        None or negative = wait for the reply without limit."""
        frame = _frame(request)
        events = []
        try:
            with self.lock:
                if _async_wait is None:
                    response = self._call_locked(frame, call_timeout, events)
                else:
                    response = self._call_async_wait(frame, call_timeout, events,
                                                     *_async_wait)
        finally:
            self._dispatch(events)
        if response.error != rpc_pb2.Success:
            raise exceptions.PortoException.Create(response.error, response.errorMsg)
        return response

    def _call_async_wait(self, frame, call_timeout, events, request, callback):
        prev = (self.async_wait_request, self.async_wait_callback)
        self.async_wait_callback = callback
        wait = request.AsyncWait
        if wait.HasField("timeout_ms") and wait.timeout_ms == 0:
            # A one-shot snapshot leaves the daemon's subscription alone, so
            # it must not replace the one we re-send after reconnects.
            pass
        elif len(wait.name) == 0:
            self.async_wait_request = None  # no names: cancels it
        else:
            # The whole request, labels included, is re-sent after a
            # reconnect: the original dropped the labels (quirk 11.9), which
            # silently turned a label subscription into a state one.
            saved = rpc_pb2.TContainerRequest()
            saved.CopyFrom(request)
            self.async_wait_request = saved
        # This request itself subscribes; re-sending the new one first after
        # a connect would only double the snapshot events.
        self._resubscribing_allowed = False
        try:
            response = self._call_locked(frame, call_timeout, events)
            if response.error != rpc_pb2.Success:
                self.async_wait_request, self.async_wait_callback = prev
            return response
        except BaseException:
            self.async_wait_request, self.async_wait_callback = prev
            raise
        finally:
            self._resubscribing_allowed = True


class Connection(object):
    """Connection to portod.  Creating it does not connect; the first call
    does (with auto_reconnect).

    ``socket_path`` None means $PORTO_SOCKET, else /run/portod.socket (the
    project-wide rule for clients; the original default was the fixed path).
    """

    def __init__(self, socket_path=None, timeout=300, disk_timeout=600,
                 socket_constructor=socket.socket,
                 lock_constructor=threading.Lock, auto_reconnect=True,
                 reconnect_interval=0.5):
        if socket_path is None:
            socket_path = os.environ.get("PORTO_SOCKET") or DEFAULT_SOCKET_PATH
        self.rpc = _RPC(socket_path=socket_path, timeout=timeout,
                        socket_constructor=socket_constructor,
                        lock_constructor=lock_constructor,
                        auto_reconnect=auto_reconnect,
                        reconnect_interval=reconnect_interval)
        self.disk_timeout = disk_timeout

    def _disk_timeout(self, timeout):
        return timeout or self.disk_timeout

    # ---- 4.1 connection management ----

    def connect(self, timeout=None):
        self.rpc.connect(timeout)

    def Connect(self, timeout=None):
        self.rpc.connect(timeout)

    def TryConnect(self, timeout=None):
        self.rpc.connect(timeout, retry=False)

    def disconnect(self):
        self.rpc.disconnect()

    def Disconnect(self):
        self.rpc.disconnect()

    def connected(self):
        return self.rpc.connected()

    def nr_connects(self):
        return self.rpc.nr_connects

    # ---- 4.2 generic call ----

    def Call(self, command_name, response_name=None, **kwargs):
        request = rpc_pb2.TContainerRequest()
        msg = getattr(request, command_name)
        msg.SetInParent()
        _encode_message(msg, kwargs)
        response = self.rpc.call(request)
        name = response_name or command_name
        if hasattr(response, name):
            return _decode_message(getattr(response, name))
        return None

    # ---- 4.3 containers ----

    def List(self, mask=None):
        request = rpc_pb2.TContainerRequest()
        request.list.SetInParent()
        if mask is not None:
            request.list.mask = mask
        return list(self.rpc.call(request).list.name)

    def ListContainers(self, mask=None):
        return [Container(self, name) for name in self.List(mask)]

    def Find(self, name):
        self.GetProperty(name, "state")
        return Container(self, _name(name))

    def Create(self, name, weak=False):
        request = rpc_pb2.TContainerRequest()
        if weak:
            request.createWeak.name = _name(name)
        else:
            request.create.name = _name(name)
        self.rpc.call(request)
        return Container(self, _name(name))

    def CreateWeakContainer(self, name):
        return self.Create(name, weak=True)

    def Run(self, name, weak=True, start=True, wait=0, root_volume=None,
            private_value=None, **kwargs):
        ct = self.Create(name, weak=True)
        try:
            for key, value in kwargs.items():
                ct.SetProperty(key, value)
            if private_value is not None:
                ct.SetProperty("private", private_value)
            if root_volume is not None:
                root = self.CreateVolume(containers=ct.name, **root_volume)
                ct.SetProperty("root", root.path)
            if start:
                ct.Start()
            if not weak:
                ct.SetProperty("weak", False)
            if wait != 0:
                ct.WaitContainer(wait)
        except exceptions.PortoException:
            try:
                ct.Destroy()
            except exceptions.ContainerDoesNotExist:
                pass
            raise
        return ct

    def Destroy(self, container):
        request = rpc_pb2.TContainerRequest()
        request.destroy.name = _name(container)
        self.rpc.call(request)

    def Start(self, name, timeout=None):
        request = rpc_pb2.TContainerRequest()
        request.start.name = _name(name)
        self.rpc.call(request, timeout)

    def Stop(self, name, timeout=None):
        request = rpc_pb2.TContainerRequest()
        request.stop.name = _name(name)
        if timeout is not None and timeout >= 0:
            # int(): a float timeout failed in the original (quirk 11.6).
            request.stop.timeout_ms = _timeout_ms(timeout)
        else:
            timeout = 30
        self.rpc.call(request, timeout)

    def Kill(self, name, sig):
        request = rpc_pb2.TContainerRequest()
        request.kill.name = _name(name)
        request.kill.sig = int(sig)
        self.rpc.call(request)

    def Pause(self, name):
        request = rpc_pb2.TContainerRequest()
        request.pause.name = _name(name)
        self.rpc.call(request)

    def Resume(self, name):
        request = rpc_pb2.TContainerRequest()
        request.resume.name = _name(name)
        self.rpc.call(request)

    def GetContainersSpecs(self, names):
        request = rpc_pb2.TContainerRequest()
        request.ListContainersBy.SetInParent()
        for name in _names(names):
            request.ListContainersBy.filters.add().name = name
        return list(self.rpc.call(request).ListContainersBy.containers)

    def SetSpec(self, spec):
        request = rpc_pb2.TContainerRequest()
        request.UpdateFromSpec.container.CopyFrom(spec)
        self.rpc.call(request)

    def CreateSpec(self, container, volume=None, start=False):
        request = rpc_pb2.TContainerRequest()
        request.CreateFromSpec.container.CopyFrom(container)
        call_timeout = 0
        if volume is not None:
            # The original wrote to a non-existent field and failed
            # (quirk 11.4).  Now: one TVolumeSpec (or dict) or a list of them
            # goes into the repeated field `volumes`; building volumes is a
            # disk operation, so the disk timeout applies.
            if not isinstance(volume, (list, tuple)):
                volume = [volume]
            for v in volume:
                if isinstance(v, dict):
                    _encode_message(request.CreateFromSpec.volumes.add(), v)
                else:
                    request.CreateFromSpec.volumes.add().CopyFrom(v)
            call_timeout = self.disk_timeout
        request.CreateFromSpec.start = start
        self.rpc.call(request, call_timeout)
        return Container(self, container.name)

    # ---- 4.4 properties ----

    def GetProperty(self, name, key, sync=False):
        request = rpc_pb2.TContainerRequest()
        request.getProperty.name = _name(name)
        request.getProperty.property = key
        request.getProperty.sync = sync
        return _str_to_value(self.rpc.call(request).getProperty.value)

    def SetProperty(self, name, key, value):
        if value is False:
            value = "false"
        elif value is True:
            value = "true"
        elif value is None:
            value = ""
        else:
            value = str(value)
        request = rpc_pb2.TContainerRequest()
        request.setProperty.name = _name(name)
        request.setProperty.property = key
        request.setProperty.value = value
        self.rpc.call(request)

    def Set(self, container, **kwargs):
        for key, value in kwargs.items():
            self.SetProperty(container, key, value)

    def GetData(self, name, data, sync=False):
        request = rpc_pb2.TContainerRequest()
        request.getData.name = _name(name)
        request.getData.data = data
        request.getData.sync = sync
        return _str_to_value(self.rpc.call(request).getData.value)

    def Get(self, containers, variables, nonblock=False, sync=False):
        request = rpc_pb2.TContainerRequest()
        request.get.name.extend(_names(containers))
        request.get.variable.extend(_strings(variables))
        request.get.sync = sync
        if nonblock:
            request.get.nonblock = nonblock
        response = self.rpc.call(request)
        result = {}
        for ct in response.get.list:
            values = {}
            for kv in ct.keyval:
                # Presence of `error` marks a failed value, whatever its code
                # (protocol 10.9): the value is the exception instance.
                if kv.HasField("error"):
                    values[kv.variable] = exceptions.PortoException.Create(
                        kv.error, kv.errorMsg)
                else:
                    values[kv.variable] = _str_to_value(kv.value)
            result[ct.name] = values
        return result

    def ContainerProperties(self):
        request = rpc_pb2.TContainerRequest()
        request.propertyList.SetInParent()
        result = {}
        for prop in self.rpc.call(request).propertyList.list:
            result[prop.name] = Property(prop.name, prop.desc,
                                         prop.read_only, prop.dynamic)
        return result

    def VolumeProperties(self):
        request = rpc_pb2.TContainerRequest()
        request.listVolumeProperties.SetInParent()
        result = {}
        for prop in self.rpc.call(request).volumePropertyList.properties:
            result[prop.name] = Property(prop.name, prop.desc, False, False)
        return result

    def Plist(self):
        request = rpc_pb2.TContainerRequest()
        request.propertyList.SetInParent()
        return [p.name for p in self.rpc.call(request).propertyList.list]

    def Dlist(self):
        request = rpc_pb2.TContainerRequest()
        request.dataList.SetInParent()
        return [d.name for d in self.rpc.call(request).dataList.list]

    def Vlist(self):
        request = rpc_pb2.TContainerRequest()
        request.listVolumeProperties.SetInParent()
        return [p.name for p in self.rpc.call(request).volumePropertyList.properties]

    # ---- 4.5 waiting ----

    def WaitContainers(self, containers, timeout=None, labels=None):
        request = rpc_pb2.TContainerRequest()
        request.wait.SetInParent()
        request.wait.name.extend(_names(containers))
        if timeout is not None and timeout >= 0:
            request.wait.timeout_ms = _timeout_ms(timeout)
        else:
            timeout = None
        if labels is not None:
            # The original assigned to a field that does not exist and
            # raised AttributeError (quirk 11.3); send the label patterns.
            request.wait.label.extend(_strings(labels))
        response = self.rpc.call(request, timeout)
        if response.wait.name == "":
            raise exceptions.WaitContainerTimeout("Timeout {} exceeded".format(timeout))
        return response.wait.name

    def Wait(self, containers, timeout=None, timeout_s=None, labels=None):
        """Legacy wait: ``timeout`` in milliseconds, ``timeout_s`` in seconds
        (wins); returns "" on timeout instead of raising."""
        if timeout_s is not None:
            timeout = timeout_s
        elif timeout is not None and timeout >= 0:
            timeout = timeout / 1000.
        try:
            return self.WaitContainers(containers, timeout, labels=labels)
        except exceptions.WaitContainerTimeout:
            return ""

    def AsyncWait(self, containers, callback, timeout=None, labels=None):
        """Subscribe to events of ``containers`` (names or patterns).  The
        callback gets keyword arguments name, state, when (and label, value
        for label events); events are delivered during calls on this
        connection only (quirk 11.9, kept: there is no reader thread)."""
        request = rpc_pb2.TContainerRequest()
        request.AsyncWait.SetInParent()
        request.AsyncWait.name.extend(_names(containers))
        if timeout is not None and timeout >= 0:
            request.AsyncWait.timeout_ms = _timeout_ms(timeout)
        if labels is not None:
            request.AsyncWait.label.extend(_strings(labels))
        self.rpc.call(request, _async_wait=(request, callback))

    def WaitLabels(self, containers, labels, timeout=None):
        request = rpc_pb2.TContainerRequest()
        request.wait.SetInParent()
        request.wait.name.extend(_names(containers))
        request.wait.label.extend(_strings(labels))
        if timeout is not None and timeout >= 0:
            request.wait.timeout_ms = _timeout_ms(timeout)
        else:
            timeout = None
        response = self.rpc.call(request, timeout)
        if response.wait.name == "":
            raise exceptions.WaitContainerTimeout("Timeout {} exceeded".format(timeout))
        return {
            "when": response.wait.when,
            "name": response.wait.name,
            "state": response.wait.state,
            "label": response.wait.label,
            "value": response.wait.value,
        }

    # ---- 4.6 labels ----

    def FindLabel(self, label, mask=None, state=None, value=None):
        request = rpc_pb2.TContainerRequest()
        request.FindLabel.label = label
        if mask is not None:
            request.FindLabel.mask = mask
        if state is not None:
            request.FindLabel.state = state
        if value is not None:
            request.FindLabel.value = value
        return [{"name": e.name, "state": e.state, "label": e.label, "value": e.value}
                for e in self.rpc.call(request).FindLabel.list]

    def GetLabel(self, container, label):
        return self.GetProperty(str(container), label)

    def SetLabel(self, container, label, value, prev_value=None, state=None):
        request = rpc_pb2.TContainerRequest()
        request.SetLabel.name = str(container)
        request.SetLabel.label = label
        request.SetLabel.value = value
        if prev_value is not None:
            request.SetLabel.prev_value = prev_value
        if state is not None:
            request.SetLabel.state = state
        self.rpc.call(request)

    def IncLabel(self, container, label, add=1):
        request = rpc_pb2.TContainerRequest()
        request.IncLabel.name = str(container)
        request.IncLabel.label = label
        request.IncLabel.add = add
        return self.rpc.call(request).IncLabel.result

    # ---- 4.7 volumes ----

    def CreateVolume(self, path=None, layers=None, storage=None,
                     private_value=None, timeout=None, **properties):
        if layers:
            # A single string is taken as the property value itself (the
            # original split it into one-letter layer names).
            if not isinstance(layers, str):
                layers = ";".join(l.name if isinstance(l, Layer) else l
                                  for l in layers)
            properties["layers"] = layers
        if storage is not None:
            properties["storage"] = str(storage)
        if private_value is not None:
            properties["private"] = private_value
        request = rpc_pb2.TContainerRequest()
        request.createVolume.SetInParent()
        if path:
            request.createVolume.path = path
        # Values go into string fields as they are (python-api.md 10):
        # non-strings raise TypeError.
        for name, value in properties.items():
            prop = request.createVolume.properties.add()
            prop.name = name
            prop.value = value
        pb = self.rpc.call(request, self._disk_timeout(timeout)).volume
        return Volume(self, pb.path, pb)

    def FindVolume(self, path):
        pb = self._ListVolumes(path=path)[0]
        return Volume(self, path, pb)

    def NewVolume(self, spec, timeout=None):
        request = rpc_pb2.TContainerRequest()
        _encode_message(request.NewVolume.volume, spec)
        response = self.rpc.call(request, self._disk_timeout(timeout))
        return _decode_message(response.NewVolume.volume)

    def GetVolume(self, path, container=None, timeout=None):
        request = rpc_pb2.TContainerRequest()
        request.GetVolume.SetInParent()
        if container is not None:
            request.GetVolume.container = str(container)
        request.GetVolume.path.append(str(path))
        response = self.rpc.call(request, self._disk_timeout(timeout))
        if not response.GetVolume.volume:
            raise exceptions.VolumeNotFound("volume `{}` not found".format(path))
        return _decode_message(response.GetVolume.volume[0])

    def GetVolumes(self, paths=None, container=None, timeout=None):
        request = rpc_pb2.TContainerRequest()
        request.GetVolume.SetInParent()
        if container is not None:
            request.GetVolume.container = str(container)
        if paths is not None:
            request.GetVolume.path.extend([str(p) for p in _strings(paths)])
        response = self.rpc.call(request, self._disk_timeout(timeout))
        return [_decode_message(v) for v in response.GetVolume.volume]

    def LinkVolume(self, path, container, target=None, read_only=False,
                   required=False):
        request = rpc_pb2.TContainerRequest()
        if target is not None or required:
            command = request.LinkVolumeTarget
        else:
            command = request.linkVolume
        command.path = str(path)
        # None: leave it out, the daemon links to the caller's container
        # ("self"); the original assigned None and failed (quirk 11.7).
        if container is not None:
            command.container = _name(container)
        if target is not None:
            command.target = target
        if read_only:
            command.read_only = True
        if required:
            command.required = True
        self.rpc.call(request)

    def UnlinkVolume(self, path, container=None, target=None, strict=None,
                     timeout=None):
        request = rpc_pb2.TContainerRequest()
        if target is not None:
            command = request.UnlinkVolumeTarget
            command.target = target
        else:
            command = request.unlinkVolume
        command.path = str(path)
        if container:
            command.container = _name(container)
        if strict is not None:
            command.strict = strict
        self.rpc.call(request, self._disk_timeout(timeout))

    def DestroyVolume(self, volume, strict=None, timeout=None):
        path = volume.path if isinstance(volume, Volume) else volume
        self.UnlinkVolume(path, "***", strict=strict, timeout=timeout)

    def _ListVolumes(self, path=None, container=None):
        request = rpc_pb2.TContainerRequest()
        request.listVolumes.SetInParent()
        if path:
            request.listVolumes.path = str(path)
        if container:
            request.listVolumes.container = str(container)
        return self.rpc.call(request).volumeList.volumes

    def ListVolumes(self, container=None):
        # The original passed `container` as the path (quirk 11.5); it is
        # the container filter here.
        return [Volume(self, v.path, v)
                for v in self._ListVolumes(container=container)]

    def ListVolumeLinks(self, volume=None, container=None):
        links = []
        for v in self._ListVolumes(path=volume, container=container):
            for link in v.links:
                links.append(VolumeLink(Volume(self, v.path, v),
                                        Container(self, link.container),
                                        link.target, link.read_only,
                                        link.required))
        return links

    def GetVolumeProperties(self, path):
        pb = self._ListVolumes(path=path)[0]
        return {p.name: p.value for p in pb.properties}

    def TuneVolume(self, path, **properties):
        request = rpc_pb2.TContainerRequest()
        request.tuneVolume.path = str(path)
        for name, value in properties.items():
            prop = request.tuneVolume.properties.add()
            prop.name = name
            prop.value = value
        self.rpc.call(request)

    # ---- 4.8 layers ----

    def _ImportLayer(self, layer, tarball, merge, place, private_value, timeout):
        request = rpc_pb2.TContainerRequest()
        request.importLayer.layer = layer
        request.importLayer.tarball = tarball
        request.importLayer.merge = merge
        if place is not None:
            request.importLayer.place = place
        if private_value is not None:
            request.importLayer.private_value = private_value
        self.rpc.call(request, self._disk_timeout(timeout))
        return Layer(self, layer, place)

    def ImportLayer(self, layer, tarball, place=None, private_value=None,
                    timeout=None):
        return self._ImportLayer(layer, tarball, False, place, private_value, timeout)

    def MergeLayer(self, layer, tarball, place=None, private_value=None,
                   timeout=None):
        return self._ImportLayer(layer, tarball, True, place, private_value, timeout)

    def RemoveLayer(self, layer, place=None, timeout=None):
        request = rpc_pb2.TContainerRequest()
        request.removeLayer.layer = layer
        if place is not None:
            request.removeLayer.place = place
        self.rpc.call(request, self._disk_timeout(timeout))

    def GetLayerPrivate(self, layer, place=None):
        request = rpc_pb2.TContainerRequest()
        request.getlayerprivate.layer = layer
        if place is not None:
            request.getlayerprivate.place = place
        return self.rpc.call(request).layer_private.private_value

    def SetLayerPrivate(self, layer, private_value, place=None):
        request = rpc_pb2.TContainerRequest()
        request.setlayerprivate.layer = layer
        request.setlayerprivate.private_value = private_value
        if place is not None:
            request.setlayerprivate.place = place
        self.rpc.call(request)

    def ExportLayer(self, volume, tarball, place=None, compress=None,
                    timeout=None):
        request = rpc_pb2.TContainerRequest()
        request.exportLayer.volume = str(volume)
        request.exportLayer.tarball = tarball
        if place is not None:
            request.exportLayer.place = place
        if compress is not None:
            request.exportLayer.compress = compress
        self.rpc.call(request, self._disk_timeout(timeout))

    def ReExportLayer(self, layer, tarball, place=None, compress=None,
                      timeout=None):
        request = rpc_pb2.TContainerRequest()
        request.exportLayer.volume = ""
        request.exportLayer.layer = layer
        request.exportLayer.tarball = tarball
        if place is not None:
            request.exportLayer.place = place
        if compress is not None:
            request.exportLayer.compress = compress
        self.rpc.call(request, self._disk_timeout(timeout))

    def _ListLayers(self, place=None, mask=None):
        request = rpc_pb2.TContainerRequest()
        request.listLayers.SetInParent()
        if place is not None:
            request.listLayers.place = place
        if mask is not None:
            request.listLayers.mask = mask
        return self.rpc.call(request).layers

    def ListLayers(self, place=None, mask=None):
        response = self._ListLayers(place, mask)
        if response.layers:
            return [Layer(self, l.name, place, l) for l in response.layers]
        return [Layer(self, name, place) for name in response.layer]

    def FindLayer(self, layer, place=None):
        response = self._ListLayers(place, layer)
        for desc in response.layers:
            if desc.name == layer:
                return Layer(self, layer, place, desc)
        if layer in response.layer:
            return Layer(self, layer, place)
        raise exceptions.LayerNotFound("layer `{}` not found".format(layer))

    # ---- 4.9 storages and meta-storages ----

    def _ListStorages(self, place=None, mask=None):
        request = rpc_pb2.TContainerRequest()
        request.listStorage.SetInParent()
        if place is not None:
            request.listStorage.place = place
        if mask is not None:
            request.listStorage.mask = mask
        return self.rpc.call(request).storageList

    def ListStorages(self, place=None, mask=None):
        return [Storage(self, s.name, place, s)
                for s in self._ListStorages(place, mask).storages]

    def ListStorage(self, place=None, mask=None):
        """Deprecated alias of ListStorages."""
        return self.ListStorages(place, mask)

    def FindStorage(self, name, place=None):
        response = self._ListStorages(place, name)
        if not response.storages:
            raise exceptions.VolumeNotFound("storage `{}` not found".format(name))
        return Storage(self, name, place, response.storages[0])

    def ListMetaStorages(self, place=None, mask=None):
        return [MetaStorage(self, s.name, place, s)
                for s in self._ListStorages(place, mask).meta_storages]

    def FindMetaStorage(self, name, place=None):
        response = self._ListStorages(place, name)
        if not response.meta_storages:
            raise exceptions.VolumeNotFound("meta storage `{}` not found".format(name))
        return MetaStorage(self, name, place, response.meta_storages[0])

    def RemoveStorage(self, name, place=None, timeout=None):
        request = rpc_pb2.TContainerRequest()
        request.removeStorage.name = name
        if place is not None:
            request.removeStorage.place = place
        self.rpc.call(request, self._disk_timeout(timeout))

    def ImportStorage(self, name, tarball, place=None, private_value=None,
                      timeout=None):
        request = rpc_pb2.TContainerRequest()
        request.importStorage.name = name
        request.importStorage.tarball = tarball
        if place is not None:
            request.importStorage.place = place
        if private_value is not None:
            request.importStorage.private_value = private_value
        self.rpc.call(request, self._disk_timeout(timeout))
        return Storage(self, name, place)

    def ExportStorage(self, name, tarball, place=None, timeout=None):
        request = rpc_pb2.TContainerRequest()
        request.exportStorage.name = name
        request.exportStorage.tarball = tarball
        if place is not None:
            request.exportStorage.place = place
        self.rpc.call(request, self._disk_timeout(timeout))

    @staticmethod
    def _fill_meta_storage(msg, name, place, private_value, space_limit,
                           inode_limit):
        msg.name = name
        if place is not None:
            msg.place = place
        if private_value is not None:
            msg.private_value = private_value
        if space_limit is not None:
            msg.space_limit = space_limit
        if inode_limit is not None:
            msg.inode_limit = inode_limit

    def CreateMetaStorage(self, name, place=None, private_value=None,
                          space_limit=None, inode_limit=None):
        request = rpc_pb2.TContainerRequest()
        self._fill_meta_storage(request.CreateMetaStorage, name, place,
                                private_value, space_limit, inode_limit)
        self.rpc.call(request)
        return MetaStorage(self, name, place)

    def ResizeMetaStorage(self, name, place=None, private_value=None,
                          space_limit=None, inode_limit=None):
        request = rpc_pb2.TContainerRequest()
        self._fill_meta_storage(request.ResizeMetaStorage, name, place,
                                private_value, space_limit, inode_limit)
        self.rpc.call(request)

    def RemoveMetaStorage(self, name, place=None):
        request = rpc_pb2.TContainerRequest()
        self._fill_meta_storage(request.RemoveMetaStorage, name, place,
                                None, None, None)
        self.rpc.call(request)

    # ---- 4.10 processes, paths, version ----

    def ConvertPath(self, path, source, destination):
        request = rpc_pb2.TContainerRequest()
        request.convertPath.path = path
        request.convertPath.source = _name(source)
        request.convertPath.destination = _name(destination)
        return self.rpc.call(request).convertPath.path

    def SetSymlink(self, name, symlink, target):
        request = rpc_pb2.TContainerRequest()
        request.SetSymlink.container = _name(name)
        request.SetSymlink.symlink = symlink
        request.SetSymlink.target = target
        self.rpc.call(request)

    def AttachProcess(self, name, pid, comm=""):
        request = rpc_pb2.TContainerRequest()
        request.attachProcess.name = _name(name)
        request.attachProcess.pid = pid
        request.attachProcess.comm = comm
        self.rpc.call(request)

    def AttachThread(self, name, pid, comm=""):
        request = rpc_pb2.TContainerRequest()
        request.AttachThread.name = _name(name)
        request.AttachThread.pid = pid
        request.AttachThread.comm = comm
        self.rpc.call(request)

    def LocateProcess(self, pid, comm=""):
        request = rpc_pb2.TContainerRequest()
        request.locateProcess.pid = pid
        request.locateProcess.comm = comm
        return Container(self, self.rpc.call(request).locateProcess.name)

    def Version(self):
        request = rpc_pb2.TContainerRequest()
        request.version.SetInParent()
        response = self.rpc.call(request)
        return (response.version.tag, response.version.revision)


class Container(object):
    """Handle of a container; creating it sends nothing."""

    def __init__(self, conn, name):
        self.conn = conn
        self.name = name

    def __str__(self):
        return self.name

    def __repr__(self):
        return "Container `{}`".format(self.name)

    def __truediv__(self, child):
        if self.name == "/":
            return Container(self.conn, child)
        return Container(self.conn, self.name + "/" + child)

    # The Python 2 name; `/` works on Python 3 through __truediv__ (the
    # original had only __div__, quirk 11.2).
    __div__ = __truediv__

    def __getitem__(self, key):
        return self.conn.GetProperty(self.name, key)

    def __setitem__(self, key, value):
        self.conn.SetProperty(self.name, key, value)

    def Start(self):
        self.conn.Start(self.name)

    def Stop(self, timeout=None):
        self.conn.Stop(self.name, timeout)

    def Kill(self, sig):
        self.conn.Kill(self.name, sig)

    def Pause(self):
        self.conn.Pause(self.name)

    def Resume(self):
        self.conn.Resume(self.name)

    def Get(self, variables, nonblock=False, sync=False):
        return self.conn.Get([self.name], variables, nonblock, sync)[self.name]

    def Set(self, **kwargs):
        self.conn.Set(self.name, **kwargs)

    def GetProperties(self):
        return self.Get(self.conn.Plist())

    def GetProperty(self, key, sync=False):
        return self.conn.GetProperty(self.name, key, sync)

    def SetProperty(self, key, value):
        self.conn.SetProperty(self.name, key, value)

    def GetLabel(self, label):
        return self.conn.GetLabel(self.name, label)

    def SetLabel(self, label, value, prev_value=None):
        self.conn.SetLabel(self.name, label, value, prev_value)

    def IncLabel(self, label, add=1):
        return self.conn.IncLabel(self.name, label, add)

    def GetData(self, data, sync=False):
        return self.conn.GetData(self.name, data, sync)

    def SetSymlink(self, symlink, target):
        self.conn.SetSymlink(self.name, symlink, target)

    def WaitContainer(self, timeout=None):
        return self.conn.WaitContainers([self.name], timeout=timeout)

    def Wait(self, *args, **kwargs):
        return self.conn.Wait([self.name], *args, **kwargs)

    def Destroy(self):
        self.conn.Destroy(self.name)

    def ListVolumeLinks(self):
        return self.conn.ListVolumeLinks(container=self)

    def Dump(self):
        specs = self.conn.GetContainersSpecs([self.name])
        if not specs:
            raise exceptions.ContainerDoesNotExist(
                "container `{}` not found".format(self.name))
        return specs[0]

    def LoadSpec(self, new_spec):
        spec = rpc_pb2.TContainerSpec()
        spec.CopyFrom(new_spec)
        spec.name = self.name
        self.conn.SetSpec(spec)


class Property(object):
    def __init__(self, name, desc, read_only, dynamic):
        self.name = name
        self.desc = desc
        self.read_only = read_only
        self.dynamic = dynamic

    def __str__(self):
        return self.name

    def __repr__(self):
        return "Property `{}` `{}`".format(self.name, self.desc)


def _int_or_none(value):
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return None


class Volume(object):
    """Handle of a volume.  Without ``pb`` the attributes filled by Update()
    do not exist until it is called."""

    _INT_PROPERTIES = ("space_limit", "inode_limit", "space_used",
                       "inode_used", "space_available", "inode_available",
                       "space_guarantee", "inode_guarantee")

    def __init__(self, conn, path, pb=None):
        self.conn = conn
        self.path = path
        if pb is not None:
            self.Update(pb)

    def Update(self, pb=None):
        conn = self.conn
        if pb is None:
            volumes = conn._ListVolumes(path=self.path)
            if not volumes:
                raise exceptions.VolumeNotFound(
                    "volume `{}` not found".format(self.path))
            pb = volumes[0]
        props = {p.name: p.value for p in pb.properties}
        self.containers = [Container(conn, c) for c in pb.containers]
        self.properties = props
        self.place = props.get("place")
        self.private = props.get("private")
        self.private_value = self.private
        self.id = props.get("id")
        self.state = props.get("state")
        self.backend = props.get("backend")
        self.read_only = props.get("read_only") == "true"
        self.owner_user = props.get("owner_user")
        self.owner_group = props.get("owner_group")
        owner = props.get("owner_container")
        self.owner_container = Container(conn, owner) if owner else None
        layers = props.get("layers")
        self.layers = ([Layer(conn, l, self.place) for l in layers.split(";")]
                       if layers else [])
        storage = props.get("storage")
        if storage and not storage.startswith("/"):
            self.storage = Storage(conn, storage, place=self.place)
        else:
            self.storage = None
        for name in self._INT_PROPERTIES:
            setattr(self, name, _int_or_none(props.get(name)))
        return self

    def __str__(self):
        return self.path

    def __repr__(self):
        return "Volume `{}`".format(self.path)

    def __getitem__(self, key):
        self.Update()
        return getattr(self, key)

    def __setitem__(self, key, value):
        self.Tune(**{key: value})
        self.Update()

    def GetProperties(self):
        self.Update()
        return self.properties

    def GetProperty(self, key):
        self.Update()
        return self.properties[key]

    def GetContainers(self):
        self.Update()
        return self.containers

    def ListVolumeLinks(self):
        return self.conn.ListVolumeLinks(volume=self)

    def GetLayers(self):
        self.Update()
        return self.layers

    def Link(self, container=None, target=None, read_only=False,
             required=False):
        self.conn.LinkVolume(self.path, _name(container), target=target,
                             read_only=read_only, required=required)

    def Unlink(self, container=None, strict=None, timeout=None):
        self.conn.UnlinkVolume(self.path, _name(container), strict=strict,
                               timeout=timeout)

    def Tune(self, **properties):
        self.conn.TuneVolume(self.path, **properties)

    def Export(self, tarball, compress=None, timeout=None):
        self.conn.ExportLayer(self.path, place=getattr(self, "place", None),
                              tarball=tarball, compress=compress,
                              timeout=timeout)

    def Destroy(self, strict=None, timeout=None):
        self.conn.UnlinkVolume(self.path, "***", strict=strict, timeout=timeout)


class VolumeLink(object):
    def __init__(self, volume, container, target, read_only, required):
        self.volume = volume
        self.container = container
        self.target = target
        self.read_only = read_only
        self.required = required

    def __repr__(self):
        return "VolumeLink `{}` `{}` `{}`".format(self.volume.path,
                                                  self.container.name,
                                                  self.target)

    def Unlink(self):
        self.volume.Unlink(self.container)


class Layer(object):
    def __init__(self, conn, name, place=None, pb=None):
        self.conn = conn
        self.name = name
        self.place = place
        self.owner_user = None
        self.owner_group = None
        self.last_usage = None
        self.private_value = None
        if pb is not None:
            self.Update(pb)

    def Update(self, pb=None):
        if pb is None:
            layers = self.conn._ListLayers(self.place, self.name).layers
            if not layers:
                raise exceptions.LayerNotFound("layer `{}` not found".format(self.name))
            pb = layers[0]
        self.owner_user = pb.owner_user
        self.owner_group = pb.owner_group
        self.last_usage = pb.last_usage
        self.private_value = pb.private_value
        return self

    def __str__(self):
        return self.name

    def __repr__(self):
        return "Layer `{}` at `{}`".format(self.name, self.place or "/place")

    def Merge(self, tarball, private_value=None, timeout=None):
        self.conn.MergeLayer(self.name, tarball, place=self.place,
                             private_value=private_value, timeout=timeout)

    def Remove(self, timeout=None):
        self.conn.RemoveLayer(self.name, place=self.place, timeout=timeout)

    def Export(self, tarball, compress=None, timeout=None):
        self.conn.ReExportLayer(self.name, place=self.place, tarball=tarball,
                                compress=compress, timeout=timeout)

    def GetPrivate(self):
        return self.conn.GetLayerPrivate(self.name, place=self.place)

    def SetPrivate(self, private_value):
        self.conn.SetLayerPrivate(self.name, private_value, place=self.place)


class Storage(object):
    def __init__(self, conn, name, place, pb=None):
        self.conn = conn
        self.name = name
        self.place = place
        self.private_value = None
        self.owner_user = None
        self.owner_group = None
        self.last_usage = None
        if pb is not None:
            self.Update(pb)

    def Update(self, pb=None):
        if pb is None:
            storages = self.conn._ListStorages(self.place, self.name).storages
            if not storages:
                raise exceptions.VolumeNotFound("storage `{}` not found".format(self.name))
            pb = storages[0]
        self.private_value = pb.private_value
        self.owner_user = pb.owner_user
        self.owner_group = pb.owner_group
        self.last_usage = pb.last_usage
        return self

    def __str__(self):
        return self.name

    def __repr__(self):
        return "Storage `{}` at `{}`".format(self.name, self.place or "/place")

    def Remove(self, timeout=None):
        self.conn.RemoveStorage(self.name, self.place, timeout=timeout)

    def Import(self, tarball, timeout=None):
        self.conn.ImportStorage(self.name, place=self.place, tarball=tarball,
                                private_value=self.private_value,
                                timeout=timeout)
        self.Update()

    def Export(self, tarball, timeout=None):
        self.conn.ExportStorage(self.name, place=self.place, tarball=tarball,
                                timeout=timeout)


class MetaStorage(object):
    _FIELDS = ("private_value", "owner_user", "owner_group", "last_usage",
               "space_limit", "inode_limit", "space_used", "inode_used",
               "space_available", "inode_available")

    def __init__(self, conn, name, place, pb=None):
        self.conn = conn
        self.name = name
        self.place = place
        for field in self._FIELDS:
            setattr(self, field, None)
        if pb is not None:
            self.Update(pb)

    def Update(self, pb=None):
        if pb is None:
            metas = self.conn._ListStorages(self.place, self.name).meta_storages
            if not metas:
                raise exceptions.VolumeNotFound(
                    "meta storage `{}` not found".format(self.name))
            pb = metas[0]
        for field in self._FIELDS:
            setattr(self, field, getattr(pb, field))
        return self

    def __str__(self):
        return self.name

    def __repr__(self):
        return "MetaStorage `{}` at `{}`".format(self.name, self.place or "/place")

    def Resize(self, private_value=None, space_limit=None, inode_limit=None):
        self.conn.ResizeMetaStorage(self.name, self.place, private_value,
                                    space_limit, inode_limit)
        self.Update()

    def Remove(self):
        self.conn.RemoveMetaStorage(self.name, self.place)

    def ListLayers(self):
        return self.conn.ListLayers(place=self.place, mask=self.name + "/*")

    def ListStorages(self):
        return self.conn.ListStorages(place=self.place, mask=self.name + "/*")

    def FindLayer(self, subname):
        return self.conn.FindLayer(self.name + "/" + subname, place=self.place)

    def FindStorage(self, subname):
        return self.conn.FindStorage(self.name + "/" + subname, place=self.place)
