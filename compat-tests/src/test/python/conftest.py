"""Kazoo against a running server: shared fixtures.

The server is whatever ZK_HOSTS names (host:port); KazooTest (JUnit) starts ours, or the real ZooKeeper, and
runs this suite with /usr/bin/python3 -m pytest. Every test works under its own fresh node, so tests share
one server without seeing each other.
"""

import os
import re
import uuid

import pytest
from kazoo.client import KazooClient

from support import WAIT_SECONDS


def pytest_configure(config):
    if not os.environ.get("ZK_HOSTS"):
        raise pytest.UsageError("ZK_HOSTS must name the server under test, e.g. ZK_HOSTS=127.0.0.1:2181")


@pytest.fixture
def hosts():
    return os.environ["ZK_HOSTS"]


@pytest.fixture
def make_client(hosts):
    """A factory of started clients, all stopped at the end of the test."""
    clients = []

    def make(chroot="", **options):
        options.setdefault("timeout", 10.0)
        client = KazooClient(hosts=hosts + chroot, **options)
        client.start(timeout=WAIT_SECONDS)
        clients.append(client)
        return client

    yield make
    for client in clients:
        try:
            client.stop()
            client.close()
        except Exception:
            pass


@pytest.fixture
def zk(make_client):
    return make_client()


@pytest.fixture
def zk2(make_client):
    return make_client()


@pytest.fixture
def root(make_client, request):
    """A fresh, empty node for this test; removed afterwards by a client of its own."""
    admin = make_client()
    name = re.sub(r"[^A-Za-z0-9_-]", "_", request.node.name)
    path = f"/kazoo-tests/{name}-{uuid.uuid4().hex[:8]}"
    admin.ensure_path(path)
    yield path
    if admin.connected:
        admin.delete(path, recursive=True)
