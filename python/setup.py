"""Distribution `portopy`: the Python client package `porto`.

porto/rpc_pb2.py and porto/rpc.proto are generated from ../proto/rpc.proto
(`make python` does it; so does build_py here when they are missing).
"""

import os
import re
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PROTO = os.path.join(TOP, "proto", "rpc.proto")
PKG = os.path.join(HERE, "porto")


def project_version():
    """The version of the top-level meson project, so the package and the
    daemon agree."""
    try:
        with open(os.path.join(TOP, "meson.build")) as f:
            match = re.search(r"version:\s*'([^']+)'", f.read())
        if match:
            return match.group(1)
    except OSError:
        pass
    return "0"


class BuildPyWithProto(build_py):
    def run(self):
        if os.path.exists(PROTO):
            if not os.path.exists(os.path.join(PKG, "rpc.proto")):
                shutil.copyfile(PROTO, os.path.join(PKG, "rpc.proto"))
            if not os.path.exists(os.path.join(PKG, "rpc_pb2.py")):
                subprocess.check_call(["protoc", "--proto_path=" + os.path.dirname(PROTO),
                                       "--python_out=" + PKG, PROTO])
        super().run()


setup(
    name="portopy",
    version=project_version(),
    description="Python API for the Porto container manager",
    license="LGPLv3",
    packages=["porto"],
    package_dir={"porto": "porto"},
    package_data={"porto": ["rpc.proto"]},
    install_requires=["protobuf"],
    python_requires=">=3.6",
    cmdclass={"build_py": BuildPyWithProto},
)
