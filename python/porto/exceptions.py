"""Exceptions raised by the porto client (python-api.md section 2).

One class per value of the ``rpc.EError`` enum, named exactly like the enum
value and derived directly from :class:`PortoException`.  The classes are
made at import time from the enum descriptor of ``rpc_pb2``, so a value added
to the schema gets its class automatically.
"""

from . import rpc_pb2


class PortoException(Exception):
    """Base of every error reported by the daemon or the client transport."""

    EID = None
    __TYPES__ = {}

    def __init__(self, message=""):
        super().__init__(message)
        # The original read self.message in __str__, an attribute Python 3
        # exceptions lack (quirk 11.1); keep it so str() gives the same
        # "ClassName: text" and code reading e.message keeps working.
        self.message = message

    def __str__(self):
        return "{}: {}".format(type(self).__name__, self.message)

    def __reduce__(self):
        # Pickle/copy by class and message (the per-code classes are module
        # globals, so they pickle by name).
        return (type(self), (self.message,))

    @classmethod
    def _Init(cls):
        """Create and register one subclass per EError value."""
        namespace = globals()
        for eid, value in sorted(rpc_pb2._EERROR.values_by_number.items()):
            exc = type(value.name, (PortoException,), {
                "EID": eid,
                "__module__": __name__,
                "__qualname__": value.name,
                "__doc__": "Porto error {} ({}).".format(value.name, eid),
            })
            cls.__TYPES__[eid] = exc
            namespace[value.name] = exc

    @classmethod
    def Create(cls, eid, msg):
        """Return an instance of the class registered for code ``eid``;
        an unknown code gives ``UnknownError(msg)``."""
        return cls.__TYPES__.get(eid, UnknownError)(msg)


class WaitContainerTimeout(PortoException):
    """Raised by WaitContainers/WaitLabels when the wait timed out."""
    EID = None


PortoException._Init()

EError = PortoException
PermissionError = PortoException.__TYPES__[rpc_pb2.Permission]
UnknownError = PortoException.__TYPES__[rpc_pb2.Unknown]
