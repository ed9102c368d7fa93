"""Kazoo through the crash of the member it is connected to, in a three-member ensemble.

Usage: /usr/bin/python3 ensemble_failover.py HOSTS PORT=PID[,PORT=PID...]

HOSTS is the ensemble's connect string (every member), PORT=PID the process id of the member serving each client
port: the script kills (SIGKILL) the member its client is connected to, so that the crash comes at a moment it
knows. It prints one line per step, the same on every run against a server that behaves as ZooKeeper does, and
exits 0 when every step went as ZooKeeper's clients expect, 1 otherwise. Every wait is bounded (WAIT_SECONDS).

EnsembleClientFailoverTest (dev.keeper.compat.ensemble) runs it against our ensemble and against ZooKeeper 3.9.5's,
and compares the output with the transcript it expects. Not a pytest module (its name does not start with test_).

Kazoo 2.8 keeps no one-shot watch across a disconnection: it calls each with a NONE event (state CONNECTING) and
forgets it, and it sends no SetWatches when it reconnects. Its DataWatch recipe re-reads (and so re-arms) on every
reconnection instead: that is the watch an application keeps across a failover, and the one checked to fire here.
"""

import os
import queue
import signal
import sys
import time

from kazoo.client import KazooClient, KazooState
from kazoo.exceptions import ConnectionLoss, NodeExistsError
from kazoo.recipe.watchers import DataWatch

WAIT_SECONDS = 20
QUIET_SECONDS = 1.5
ROOT = "/kazoo-failover"

failures = 0


def step(text, ok=True):
    global failures
    if not ok:
        failures += 1
        text += "   <-- not what ZooKeeper's clients expect"
    print(text, flush=True)


def connect(hosts, states=None):
    # a short, steady reconnection delay: the ensemble elects within a few ticks (tickTime 200)
    client = KazooClient(hosts=hosts, timeout=10.0,
                         connection_retry=dict(max_tries=-1, delay=0.1, backoff=1, max_delay=0.5))
    if states is not None:
        client.add_listener(states.put)
    client.start(timeout=WAIT_SECONDS)
    return client


def retried(op, *args, **kwargs):
    """Runs a client call again while it fails ConnectionLoss, for at most WAIT_SECONDS.

    On a loaded machine a member may lose its leader for a moment, drop its clients and fail what they had in
    flight; the application retries. A create that finds its node on a retry had landed on an earlier attempt.
    """
    deadline = time.monotonic() + WAIT_SECONDS
    retry = False
    while True:
        try:
            return op(*args, **kwargs)
        except NodeExistsError:
            if not retry:
                raise
            return None
        except ConnectionLoss:
            if time.monotonic() > deadline:
                raise
            retry = True
            time.sleep(0.1)


def connected_port(client):
    # Kazoo has no public accessor for the server it is connected to; its connection's socket knows.
    return client._connection._socket.getpeername()[1]


def await_reconnected(states):
    """After the kill: waits until the client is connected again and stays so for QUIET_SECONDS.

    A member that had not yet noticed its leader gone may take the client and drop it a moment later (ours notices
    within two ticks), so the states on the way are not always the same two: what must hold is that the session
    comes back, never lost. Returns whether it did, and the states seen.
    """
    seen = []
    try:
        while not seen or seen[-1] != KazooState.CONNECTED:
            seen.append(states.get(timeout=WAIT_SECONDS))
            if seen[-1] == KazooState.LOST:
                return False, seen
        while True:
            seen.append(states.get(timeout=QUIET_SECONDS))
            if seen[-1] == KazooState.LOST:
                return False, seen
            while seen[-1] != KazooState.CONNECTED:
                seen.append(states.get(timeout=WAIT_SECONDS))
                if seen[-1] == KazooState.LOST:
                    return False, seen
    except queue.Empty:
        pass
    return bool(seen) and seen[0] == KazooState.SUSPENDED and seen[-1] == KazooState.CONNECTED, seen


def main():
    hosts = sys.argv[1]
    pids = {int(port): int(pid) for port, pid in (p.split("=") for p in sys.argv[2].split(","))}

    states = queue.Queue()
    zk = connect(hosts, states)
    session = zk.client_id[0]
    step("connected: %s" % zk.state)
    states.get(timeout=WAIT_SECONDS)  # the CONNECTED of start()

    retried(zk.create, ROOT, b"")
    retried(zk.create, ROOT + "/data", b"v1")
    step("create %s/data \"v1\": ok" % ROOT)
    eph = ROOT + "/eph"
    retried(zk.create, eph, b"", ephemeral=True)
    step("create %s (ephemeral): ok" % eph)
    retried(zk.create, ROOT + "/watched", b"v1")
    retried(zk.create, ROOT + "/raw", b"v1")

    seen_by_watch = queue.Queue()
    DataWatch(zk, ROOT + "/watched", lambda data, stat: seen_by_watch.put((data, stat and stat.version)))
    step("DataWatch %s/watched: %s" % (ROOT, seen_by_watch.get(timeout=WAIT_SECONDS)))
    raw_events = queue.Queue()
    retried(zk.get, ROOT + "/raw", watch=raw_events.put)
    step("get %s/raw with a one-shot watch: ok" % ROOT)

    before = connected_port(zk)
    os.kill(pids[before], signal.SIGKILL)
    step("killed the member it was connected to")
    try:
        raw = raw_events.get(timeout=WAIT_SECONDS)
    except queue.Empty:
        raw = None
    step("one-shot watch on %s/raw at the disconnection: %s" % (ROOT, raw and "%s %s" % (raw.type, raw.state)),
         raw is not None and raw.type == "NONE")
    back, seen = await_reconnected(states)
    step("after the kill: %s" % ("SUSPENDED, then CONNECTED again" if back else " ".join(seen)), back)
    after = connected_port(zk)
    step("connected to another member: %s" % ("yes" if after != before and after in pids else after),
         after != before)
    step("same session: %s" % ("yes" if zk.client_id[0] == session else "no"), zk.client_id[0] == session)

    data, _ = retried(zk.get, ROOT + "/data")
    step("get %s/data: %r" % (ROOT, data), data == b"v1")
    stat = retried(zk.exists, eph)
    step("exists %s: %s" % (eph, "owned by this session" if stat and stat.ephemeralOwner == session else stat),
         stat is not None and stat.ephemeralOwner == session)

    other = connect(hosts)
    retried(other.set, ROOT + "/raw", b"v2")
    retried(other.set, ROOT + "/watched", b"v2")
    step("another client sets %s/raw and %s/watched to \"v2\"" % (ROOT, ROOT))
    try:
        got = seen_by_watch.get(timeout=WAIT_SECONDS)
    except queue.Empty:
        got = "nothing"
    step("DataWatch %s/watched: %s" % (ROOT, got), got == (b"v2", 1))
    try:
        raw = raw_events.get(timeout=1)
    except queue.Empty:
        raw = None
    step("one-shot watch on %s/raw after the change: %s" % (ROOT, "not fired again" if raw is None else raw),
         raw is None)

    zk.stop()
    zk.close()
    # The close went through the log; the other client's member may be a moment behind. Kazoo sends closeSession
    # only while connected: if the member it was connected to had just lost its leader, the ephemeral goes when the
    # session expires instead.
    retried(other.sync, ROOT)
    deadline = time.monotonic() + 10.0 + WAIT_SECONDS
    gone = retried(other.exists, eph)
    while gone is not None and time.monotonic() < deadline:
        time.sleep(0.1)
        gone = retried(other.exists, eph)
    step("the closed session's ephemeral: %s" % ("gone" if gone is None else "still there"), gone is None)
    retried(other.delete, ROOT, recursive=True)
    other.stop()
    other.close()
    step("done")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
