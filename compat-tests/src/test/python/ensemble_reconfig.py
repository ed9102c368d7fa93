"""Kazoo's reconfig: removing a member of a three-member ensemble with reconfigEnabled and a super user.

Usage: /usr/bin/python3 ensemble_reconfig.py HOSTS LEAVING

HOSTS is the connect string of the members that stay (not the one that leaves: on ours a removed member's own
client gets ConnectionLoss), LEAVING the myid of the member to remove. The script authenticates as the super user
(super:test; the members run with its digest as zookeeper.DigestAuthenticationProvider.superDigest), reads
/zookeeper/config, removes LEAVING with KazooClient.reconfig(joining=None, leaving=LEAVING, new_members=None,
from_config=<the version read>), and checks what it returns; then the same reconfig from the now stale from_config
must raise BadVersionError and change nothing.

It prints one line per step on stdout, the same on every run against a server that behaves as ZooKeeper does but
for the returned config, which it prints verbatim (indented): the caller knows the ports and reads the new version
itself. The values behind each check (versions, zxids) go to stderr. It exits 0 when every check held, 1 otherwise.
Every wait is bounded (WAIT_SECONDS).

EnsembleReconfigClientsTest (dev.keeper.compat.ensemble) runs it against our ensemble and ZooKeeper 3.9.5's. Not a
pytest module (its name does not start with test_).
"""

import sys
import time

from kazoo.client import KazooClient
from kazoo.exceptions import BadVersionError, ConnectionLoss, KazooException

WAIT_SECONDS = 20
CONFIG = "/zookeeper/config"
SUPER = "super:test"

failures = 0


def step(text, ok=True):
    global failures
    if not ok:
        failures += 1
        text += "   <-- not what ZooKeeper's clients expect"
    print(text, flush=True)


def detail(text):
    print(text, file=sys.stderr, flush=True)


def yes(ok):
    return "yes" if ok else "no"


def retried(op, *args, **kwargs):
    """A read or a sync, again while it fails ConnectionLoss, for at most WAIT_SECONDS (never a reconfig)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            return op(*args, **kwargs)
        except ConnectionLoss:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def read_config(zk):
    """The config the client's member holds once it caught up with the leader: (data, ZnodeStat)."""
    retried(zk.sync, CONFIG)
    return retried(zk.get, CONFIG)


def parse(data):
    """A config's server lines by myid, and its version= (hexadecimal), or None when it has none."""
    servers = {}
    version = None
    for line in data.decode("utf-8").split("\n"):
        line = line.strip()
        if line.startswith("server."):
            key, _, value = line.partition("=")
            servers[int(key[len("server."):])] = value
        elif line.startswith("version="):
            version = int(line[len("version="):], 16)
    return servers, version


def describe(stat):
    return "mzxid=0x%x version=%d czxid=0x%x" % (stat.mzxid, stat.version, stat.czxid)


def main():
    hosts = sys.argv[1]
    leaving = int(sys.argv[2])

    zk = KazooClient(hosts=hosts, timeout=10.0,
                     connection_retry=dict(max_tries=-1, delay=0.1, backoff=1, max_delay=0.5))
    zk.start(timeout=WAIT_SECONDS)
    step("connected: %s" % zk.state, zk.state == "CONNECTED")
    zk.add_auth("digest", SUPER)
    step("add_auth digest super: ok")

    data, stat = read_config(zk)
    servers, version = parse(data)
    detail("before: %r, %s" % (data, describe(stat)))
    step("get %s: servers %s, version= is the ZnodeStat's mzxid in hex: %s"
         % (CONFIG, ",".join(str(i) for i in sorted(servers)), yes(version == stat.mzxid)),
         leaving in servers and version is not None and version == stat.mzxid)

    try:
        new_data, new_stat = zk.reconfig(joining=None, leaving=str(leaving), new_members=None,
                                         from_config=version)
    except KazooException as e:
        step("reconfig(joining=None, leaving=\"%d\", new_members=None, from_config=<the version read>): %s %s"
             % (leaving, type(e).__name__, e), False)
        zk.stop()
        zk.close()
        return 1
    detail("returned: %r, %s" % (new_data, describe(new_stat)))
    step("reconfig(joining=None, leaving=\"%d\", new_members=None, from_config=<the version read>) returned:"
         % leaving)
    for line in new_data.decode("utf-8").split("\n"):
        print("  " + line, flush=True)
    new_servers, new_version = parse(new_data)
    expected = {i: spec for i, spec in servers.items() if i != leaving}
    step("server.%d gone, the other servers' lines as they were: %s" % (leaving, yes(new_servers == expected)),
         new_servers == expected)
    step("version= is the returned ZnodeStat's mzxid in hex: %s"
         % yes(new_version is not None and new_version == new_stat.mzxid),
         new_version is not None and new_version == new_stat.mzxid
         and new_data.decode("utf-8").split("\n")[-1] == "version=%x" % new_stat.mzxid)
    step("version= moved on from from_config: %s" % yes(new_version is not None and new_version > version),
         new_version is not None and new_version > version)
    # /zookeeper/config is set with version -1 by ZooKeeper (its Stat's version stays -1)
    step("returned ZnodeStat's version: %d" % new_stat.version, new_stat.version == -1)

    again, again_stat = read_config(zk)
    step("get %s after a sync: the returned data and mzxid: %s"
         % (CONFIG, yes(again == new_data and again_stat.mzxid == new_stat.mzxid)),
         again == new_data and again_stat.mzxid == new_stat.mzxid)

    try:
        zk.reconfig(joining=None, leaving=str(leaving), new_members=None, from_config=version)
        outcome = "no error"
    except BadVersionError:
        outcome = "BadVersionError"
    except KazooException as e:
        outcome = "%s %s" % (type(e).__name__, e)
    step("reconfig again from the stale from_config: %s" % outcome, outcome == "BadVersionError")

    last, last_stat = read_config(zk)
    detail("after the refused reconfig: %r, %s" % (last, describe(last_stat)))
    step("get %s after the refusal: unchanged: %s"
         % (CONFIG, yes(last == new_data and last_stat.mzxid == new_stat.mzxid)),
         last == new_data and last_stat.mzxid == new_stat.mzxid)

    zk.stop()
    zk.close()
    step("done")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
