import pickle

import pytest

import porto
from porto import exceptions, rpc_pb2

TABLE = {
    0: "Success", 1: "Unknown", 2: "InvalidMethod", 3: "ContainerAlreadyExists",
    4: "ContainerDoesNotExist", 5: "InvalidProperty", 6: "InvalidData",
    7: "InvalidValue", 8: "InvalidState", 9: "NotSupported",
    10: "ResourceNotAvailable", 11: "Permission", 12: "VolumeAlreadyExists",
    13: "VolumeNotFound", 14: "NoSpace", 15: "Busy", 16: "VolumeAlreadyLinked",
    17: "VolumeNotLinked", 18: "LayerAlreadyExists", 19: "LayerNotFound",
    20: "NoValue", 21: "VolumeNotReady", 22: "InvalidCommand", 23: "LostError",
    24: "DeviceNotFound", 25: "InvalidPath", 26: "InvalidNetworkAddress",
    27: "PortoFrozen", 28: "LabelNotFound", 29: "InvalidLabel", 404: "NotFound",
    502: "SocketError", 503: "SocketUnavailable", 504: "SocketTimeout",
    666: "Taint", 1000: "Queued",
}


def test_package_exports():
    assert porto.Connection is porto.api.Connection
    assert porto.exceptions is exceptions
    assert porto.rpc_pb2 is rpc_pb2
    assert not hasattr(porto, "Container")


@pytest.mark.parametrize("eid,name", sorted(TABLE.items()))
def test_class_per_code(eid, name):
    cls = getattr(exceptions, name)
    assert cls.EID == eid
    assert cls.__name__ == name
    assert cls.__bases__ == (exceptions.PortoException,)
    assert exceptions.PortoException.__TYPES__[eid] is cls
    e = exceptions.PortoException.Create(eid, "text")
    assert type(e) is cls
    assert str(e) == "{}: text".format(name)
    assert e.message == "text"


def test_every_enum_value_has_a_class():
    assert set(exceptions.PortoException.__TYPES__) == set(rpc_pb2._EERROR.values_by_number)
    assert set(TABLE) == set(rpc_pb2._EERROR.values_by_number)


def test_aliases_and_specials():
    assert exceptions.EError is exceptions.PortoException
    assert exceptions.PermissionError is exceptions.Permission
    assert exceptions.UnknownError is exceptions.Unknown
    assert exceptions.PortoException.EID is None
    assert exceptions.WaitContainerTimeout.EID is None
    assert issubclass(exceptions.WaitContainerTimeout, exceptions.PortoException)
    e = exceptions.PortoException.Create(4242, "odd")
    assert type(e) is exceptions.Unknown and str(e) == "Unknown: odd"
    assert str(exceptions.WaitContainerTimeout("Timeout 1 exceeded")) == \
        "WaitContainerTimeout: Timeout 1 exceeded"
    assert str(exceptions.ContainerDoesNotExist()) == "ContainerDoesNotExist: "


def test_pickle_roundtrip():
    e = exceptions.PortoException.Create(7, "bad value")
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is exceptions.InvalidValue and back.message == "bad value"
