# Wraps the README's commands. Everything the project needs on a fresh
# Debian 12 machine is installed by `make deps` (run by every other target).
BUILD      ?= build
ASAN_BUILD ?= build-asan
PREFIX     ?= /usr/local
PYTHON     ?= /usr/bin/python3

DEBS = meson ninja-build pkg-config gcc git \
       protobuf-c-compiler libprotobuf-c-dev protobuf-compiler \
       libcmocka-dev python3-protobuf python3-pytest busybox-static clang

.PHONY: all deps build install start stop test unit asan integration bench python clean

all: build

deps:
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX)

build: deps $(BUILD)/build.ninja python
	ninja -C $(BUILD)

# The generated rpc_pb2 module and the schema it ships with (python-api.md 1).
python: python/porto/rpc_pb2.py python/porto/rpc.proto
python/porto/rpc_pb2.py: proto/rpc.proto
	protoc --proto_path=proto --python_out=python/porto proto/rpc.proto
python/porto/rpc.proto: proto/rpc.proto
	cp proto/rpc.proto $@

install: build
	meson install -C $(BUILD) --quiet
	rm -rf $(DESTDIR)$$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_path("purelib", vars={"base": "/usr"}))' 2>/dev/null | sed 's|python3\.[0-9]*/site-packages|python3/dist-packages|')/porto
	mkdir -p $(DESTDIR)/usr/lib/python3/dist-packages/porto
	cp python/porto/*.py python/porto/rpc.proto $(DESTDIR)/usr/lib/python3/dist-packages/porto/

# Quick start: everything installed and a system portod running.
start: install
	$(PREFIX)/sbin/portod start

stop:
	$(PREFIX)/sbin/portod stop

test: build
	$(PYTHON) tests/run_all.py --build $(BUILD) --asan-build $(ASAN_BUILD)

bench: build
	$(PYTHON) bench/run.py --build $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) python/porto/rpc_pb2.py python/porto/rpc.proto
