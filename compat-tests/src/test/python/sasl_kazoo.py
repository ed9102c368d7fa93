"""Kazoo's SASL (DIGEST-MD5) against a server, printed as a transcript.

Usage: /usr/bin/python3 sasl_kazoo.py sasl HOSTS
       /usr/bin/python3 sasl_kazoo.py nosasl HOSTS SESSION_TIMEOUT

"sasl": the server has SASL (JAAS "Server" section with the DIGEST-MD5 users super/adminsecret and
bob/bobsecret, authProvider.1=SASLAuthenticationProvider, -Dzookeeper.superUser=super). Kazoo authenticates as bob
with sasl_options and with the legacy auth_data=[('sasl', 'bob:bobsecret')]; a client without SASL and one with
digest bob:bobsecret are refused bob's node; a wrong password and a user not in the JAAS file fail.

"nosasl": the server has no SASL (no JAAS file). A client without SASL works; a client set up for SASL connects,
then its DIGEST-MD5 exchange never completes: ZooKeeper 3.9.5 answers every SASL request OK with a null token
(its connection has no SaslServer), to which pure-sasl answers with an empty token, round after round, until the
session expires and the server closes the connection; Kazoo then calls it AUTH_FAILED.

SaslKazooTest (dev.keeper.compat.sasl) runs it against ours and ZooKeeper 3.9.5 and compares the transcript with
the one it expects. Lines starting with "timing " are measurements, not part of the transcript. Every wait is
bounded. Not a pytest module (its name does not start with test_). Needs Debian's python3-kazoo and
python3-pure-sasl (Kazoo's SASL is pure-sasl's).
"""

import logging
import os
import sys
import threading
import time
import warnings

import puresasl.client
from kazoo.client import KazooClient, KazooState
from kazoo.exceptions import NoAuthError
from kazoo.security import make_acl

WAIT_SECONDS = 30
REQUEST_SECONDS = 10
ROOT = "/kazoo-sasl"


def step(text):
    print(text, flush=True)


def timing(name, value):
    print("timing %s %.3f" % (name, value), flush=True)


def outcome(call):
    """What a call returned, or the name of what it raised."""
    try:
        return repr(call())
    except Exception as e:  # the exception's class is what the transcript compares
        return type(e).__name__


def acls(client, path):
    return ",".join("%s:%s:%d" % (a.id.scheme, a.id.id, a.perms) for a in client.get_acls(path)[0])


class Reasons(logging.Handler):
    """Kazoo's own word for why it stopped: its 'AUTH_FAILED closing: <error>' warning."""

    def __init__(self):
        super().__init__()
        self.reasons = []

    def emit(self, record):
        message = record.getMessage()
        if message.startswith("AUTH_FAILED closing"):
            self.reasons.append(message)


REASONS = Reasons()
logging.getLogger("kazoo.client").addHandler(REASONS)
logging.getLogger("kazoo.client").setLevel(logging.INFO)


class Watched:
    """A client and the KazooStates its listener saw, with when (monotonic seconds)."""

    def __init__(self, hosts, timeout=10.0, **options):
        self.client = KazooClient(hosts=hosts, timeout=timeout, **options)
        self.states = []
        self.changed = threading.Condition()
        self.client.add_listener(self._listen)

    def _listen(self, state):
        with self.changed:
            self.states.append((state, time.monotonic()))
            self.changed.notify_all()

    def await_state(self, state, seconds):
        deadline = time.monotonic() + seconds
        with self.changed:
            while not any(s == state for s, _ in self.states):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True

    def at(self, state):
        return next(t for s, t in self.states if s == state)

    def names(self):
        return [s for s, _ in self.states]

    def await_closed(self, seconds):
        """Waits until Kazoo's connection thread has ended (it sets CLOSED last, after AUTH_FAILED)."""
        deadline = time.monotonic() + seconds
        while self.client.client_state != "CLOSED" and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.client.client_state == "CLOSED"

    def get(self, path):
        """A read that waits at most REQUEST_SECONDS for its answer."""
        return outcome(lambda: self.client.get_async(path).get(timeout=REQUEST_SECONDS)[0])

    def stop(self):
        self.client.stop()
        self.client.close()


def sasl_options(user, password):
    return {'mechanism': 'DIGEST-MD5', 'username': user, 'password': password}


def refused(hosts, label, user, password):
    """A SASL client the server refuses: the states it goes through, why, and what a request then gets."""
    del REASONS.reasons[:]
    w = Watched(hosts, sasl_options=sasl_options(user, password))
    w.client.start_async()
    lost = w.await_state(KazooState.LOST, WAIT_SECONDS)
    closed = lost and w.await_closed(WAIT_SECONDS)
    step("%s: states %s, lost %s, client_state %s" % (label, w.names(), lost, w.client.client_state))
    step("%s: reason %s" % (label, REASONS.reasons))
    step("%s: get / -> %s" % (label, w.get("/")))
    if lost and KazooState.CONNECTED in w.names():
        timing(label + "_connected_to_lost", w.at(KazooState.LOST) - w.at(KazooState.CONNECTED))
    if closed:
        w.stop()


def run_sasl(hosts):
    bob = Watched(hosts, sasl_options=sasl_options("bob", "bobsecret"))
    bob.client.start(timeout=WAIT_SECONDS)
    step("bob (sasl_options): %s" % bob.client.client_state)
    c = bob.client
    step("create %s sasl:bob -> %s" % (ROOT, outcome(
        lambda: c.create(ROOT, b"kazoo", acl=[make_acl("sasl", "bob", all=True)]))))
    step("get %s -> %s" % (ROOT, bob.get(ROOT)))
    step("acl %s -> %s" % (ROOT, acls(c, ROOT)))
    step("create %s-auth auth -> %s" % (ROOT, outcome(
        lambda: c.create(ROOT + "-auth", b"auth", acl=[make_acl("auth", "", all=True)]))))
    step("acl %s-auth -> %s" % (ROOT, acls(c, ROOT + "-auth")))
    step("bob states %s" % bob.names())
    bob.stop()

    anonymous = Watched(hosts)
    anonymous.client.start(timeout=WAIT_SECONDS)
    step("no auth: get %s -> %s" % (ROOT, anonymous.get(ROOT)))
    anonymous.stop()
    digest = Watched(hosts, auth_data=[("digest", "bob:bobsecret")])
    digest.client.start(timeout=WAIT_SECONDS)
    step("digest bob: get %s -> %s" % (ROOT, digest.get(ROOT)))
    digest.stop()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        legacy = Watched(hosts, auth_data=[("sasl", "bob:bobsecret")])
    step("legacy auth_data sasl: warned %s" % sorted({w.category.__name__ for w in caught}))
    legacy.client.start(timeout=WAIT_SECONDS)
    step("legacy: get %s -> %s" % (ROOT, legacy.get(ROOT)))
    step("legacy: create %s-legacy auth -> %s" % (ROOT, outcome(
        lambda: legacy.client.create(ROOT + "-legacy", b"l", acl=[make_acl("auth", "", all=True)]))))
    step("legacy: acl %s-legacy -> %s" % (ROOT, acls(legacy.client, ROOT + "-legacy")))
    legacy.stop()

    su = Watched(hosts, sasl_options=sasl_options("super", "adminsecret"))
    su.client.start(timeout=WAIT_SECONDS)
    step("super: get %s-auth -> %s" % (ROOT, su.get(ROOT + "-auth")))
    su.stop()

    refused(hosts, "wrong_password", "bob", "wrong")
    refused(hosts, "unknown_user", "mallory", "bobsecret")


def run_nosasl(hosts, session_timeout):
    plain = Watched(hosts)
    plain.client.start(timeout=WAIT_SECONDS)
    step("no sasl client: create /plain -> %s" % outcome(lambda: plain.client.create("/plain", b"p")))
    plain.stop()

    rounds = [0]
    process = puresasl.client.SASLClient.process

    def counted(self, challenge=None):
        rounds[0] += 1
        return process(self, challenge)

    puresasl.client.SASLClient.process = counted
    del REASONS.reasons[:]
    w = Watched(hosts, timeout=session_timeout, sasl_options=sasl_options("bob", "bobsecret"))
    w.client.start_async()
    connected = w.await_state(KazooState.CONNECTED, WAIT_SECONDS)
    # ZooKeeper's session expires within a tick after its timeout: wait three times that, at least
    lost = w.await_state(KazooState.LOST, session_timeout * 3 + 10)
    closed = lost and w.await_closed(WAIT_SECONDS)
    step("sasl client: connected %s, states %s, lost %s, client_state %s"
         % (connected, w.names(), lost, w.client.client_state))
    step("sasl client: reason %s" % REASONS.reasons)
    # many rounds: the server answered each one, none ended the exchange
    step("sasl client: rounds %s" % ("more than 10" if rounds[0] > 10 else rounds[0]))
    step("sasl client: get / -> %s" % w.get("/"))
    if connected and lost:
        timing("nosasl_connected_to_lost", w.at(KazooState.LOST) - w.at(KazooState.CONNECTED))
    timing("nosasl_rounds", rounds[0])
    if closed:
        w.stop()
    # else Kazoo is still in its SASL loop, which no stop() interrupts: the process ends it (os._exit in main)


def main():
    mode, hosts = sys.argv[1], sys.argv[2]
    if mode == "sasl":
        run_sasl(hosts)
    elif mode == "nosasl":
        run_nosasl(hosts, float(sys.argv[3]))
    else:
        raise SystemExit("unknown mode " + mode)
    step("done")
    sys.stdout.flush()
    # a client still in its SASL loop (a server that never ends it) must not keep the process alive
    os._exit(0)


if __name__ == "__main__":
    main()
