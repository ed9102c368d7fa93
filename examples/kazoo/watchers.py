#!/usr/bin/python3
"""ZooKeeper's watch mechanism, seen from Kazoo: a publish/subscribe walk-through.

One client (the subscriber) watches a configuration node and a group of members; another (the publisher)
publishes configuration versions, joins the group with an ephemeral node, and leaves by closing its session.
Every notification the subscriber receives is printed, always in the same order, so two runs (or two
servers) can be compared line by line.

    /usr/bin/python3 watchers.py [host:port]      (or ZK_HOSTS=host:port; default 127.0.0.1:2181)

Exits 0 when every expected notification arrived, 1 otherwise. Uses (and removes) /watcher-demo.
"""

import os
import queue
import sys

from kazoo.client import KazooClient
from kazoo.handlers.threading import KazooTimeoutError
from kazoo.protocol.states import KazooState

ROOT = "/watcher-demo"
CONFIG = ROOT + "/config"
MEMBERS = ROOT + "/members"
WAIT_SECONDS = 10


class Notifications:
    """What the watchers saw, one queue per watcher.

    Kazoo calls watchers on its own threads, and the order in which two watchers on the same node are called
    is not defined. So callbacks only record; the main thread prints, in an order it chooses.
    """

    def __init__(self):
        self._queues = {}

    def record(self, source, text):
        self._queue(source).put(text)

    def expect(self, source):
        try:
            text = self._queue(source).get(timeout=WAIT_SECONDS)
        except queue.Empty:
            print(f"[{source}] nothing arrived within {WAIT_SECONDS} s", flush=True)
            sys.exit(1)
        print(f"  [{source}] {text}", flush=True)

    def expect_none(self, source, why):
        if not self._queue(source).empty():
            print(f"  [{source}] unexpected: {self._queue(source).get()}", flush=True)
            sys.exit(1)
        print(f"  [{source}] (nothing: {why})", flush=True)

    def _queue(self, source):
        return self._queues.setdefault(source, queue.Queue())


def step(text):
    print(text, flush=True)


def describe(data, stat):
    if stat is None:
        return "no node"
    return f"data={data.decode()} version={stat.version}"


def main():
    hosts = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ZK_HOSTS", "127.0.0.1:2181")
    seen = Notifications()

    # Session notifications: Kazoo turns ZooKeeper's connection events into three states. A listener runs
    # on the connection thread, so it must return quickly (never call ZooKeeper from it).
    def on_session(state):
        if state in (KazooState.CONNECTED, KazooState.SUSPENDED, KazooState.LOST):
            seen.record("session", state)

    subscriber = KazooClient(hosts=hosts, timeout=10.0)
    subscriber.add_listener(on_session)
    publisher = KazooClient(hosts=hosts, timeout=10.0)

    step(f"subscriber connects to {hosts}")
    try:
        subscriber.start(timeout=WAIT_SECONDS)
        publisher.start(timeout=WAIT_SECONDS)
    except KazooTimeoutError:
        print(f"cannot connect to {hosts} within {WAIT_SECONDS} s; is the server running?", flush=True)
        return 1
    seen.expect("session")

    if subscriber.exists(ROOT):
        subscriber.delete(ROOT, recursive=True)
    subscriber.ensure_path(MEMBERS)

    # Data watch: called once at registration (event None), then for every change. The node need not exist:
    # DataWatch leaves an exists-watch on a missing node, so its creation is seen too.
    @subscriber.DataWatch(CONFIG)
    def on_config(data, stat, event):
        kind = event.type if event is not None else "initial"
        seen.record("config", f"{kind}: {describe(data, stat)}")

    # Children watch: called with the current children, then whenever one is added or removed. Its node must
    # exist. With send_event=True the function also gets the event (None on the first call).
    @subscriber.ChildrenWatch(MEMBERS, send_event=True)
    def on_members(children, event):
        kind = event.type if event is not None else "initial"
        seen.record("members", f"{kind}: {sorted(children)}")

    step("subscriber watches " + CONFIG + " (DataWatch) and " + MEMBERS + " (ChildrenWatch)")
    seen.expect("config")
    seen.expect("members")

    step("publisher publishes v1 (create)")
    publisher.create(CONFIG, b"v1")  # values are bytes in Kazoo, never str
    seen.expect("config")

    step("publisher publishes v2 (set)")
    publisher.set(CONFIG, b"v2")
    seen.expect("config")

    step("publisher joins the group (ephemeral node)")
    publisher.create(MEMBERS + "/publisher", b"", ephemeral=True)
    seen.expect("members")

    # A plain watch, as ZooKeeper's own API has it: one-shot. It fires for the next change only; DataWatch
    # keeps seeing changes because it sets a new watch each time it is called.
    def once(event):
        seen.record("one-shot", f"{event.type} {event.path}")

    subscriber.get(CONFIG, watch=once)
    step("subscriber sets a one-shot watch with get(watch=...); publisher publishes v3")
    publisher.set(CONFIG, b"v3")
    seen.expect("config")
    seen.expect("one-shot")

    step("publisher publishes v4")
    publisher.set(CONFIG, b"v4")
    seen.expect("config")
    seen.expect_none("one-shot", "a one-shot watch fires once")

    step("publisher withdraws the configuration (delete)")
    publisher.delete(CONFIG)
    seen.expect("config")

    step("publisher closes its session; its ephemeral node goes with it")
    publisher.stop()
    publisher.close()
    seen.expect("members")

    step("subscriber cleans up and stops")
    subscriber.delete(ROOT, recursive=True)
    subscriber.stop()
    seen.expect("session")
    subscriber.close()
    step("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
