"""Helpers for the Kazoo suite: waiting for watches with a bound, breaking connections, expiring sessions."""

import threading
import time

from kazoo.client import KazooClient
from kazoo.protocol.connection import _CONNECTION_DROP
from kazoo.protocol.states import KazooState

WAIT_SECONDS = 10.0


class Recorder:
    """Collects what a watch or listener is called with, from Kazoo's threads; waits for it with a bound."""

    def __init__(self):
        self._items = []
        self._cond = threading.Condition()

    def __call__(self, *args):
        with self._cond:
            self._items.append(args[0] if len(args) == 1 else args)
            self._cond.notify_all()

    @property
    def items(self):
        with self._cond:
            return list(self._items)

    def wait_for(self, predicate=None, count=None, timeout=WAIT_SECONDS):
        """Waits until predicate(items) holds, or until there are at least `count` items; returns the items."""
        if predicate is None:
            predicate = lambda items: len(items) >= (count or 1)
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self._items):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out after {timeout} s; saw {self._items!r}")
                self._cond.wait(left)
            return list(self._items)


def wait_until(condition, timeout=WAIT_SECONDS, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def drop_connection(client):
    """Breaks the client's TCP connection (Kazoo's own test harness does it this way) and waits until the
    client has reconnected to the same session."""
    states = Recorder()
    client.add_listener(states)
    client._call(_CONNECTION_DROP, None)
    states.wait_for(lambda s: KazooState.SUSPENDED in s and s[-1] == KazooState.CONNECTED)
    client.remove_listener(states)


def expire_session(client, hosts):
    """Ends the client's session from outside, as ZooKeeper's tests do: a second client attaches to the same
    session id and password and closes it. The first client then sees LOST and starts a new session."""
    states = Recorder()
    client.add_listener(states)
    twin = KazooClient(hosts=hosts, client_id=client.client_id, timeout=10.0)
    twin.start(timeout=WAIT_SECONDS)
    twin.stop()
    twin.close()
    states.wait_for(lambda s: KazooState.LOST in s and s[-1] == KazooState.CONNECTED)
    client.remove_listener(states)
    return states.items
