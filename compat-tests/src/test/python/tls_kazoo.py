"""Kazoo over TLS with a client certificate: CRUD, an x509 ACL, and the refusals around it.

Usage: /usr/bin/python3 tls_kazoo.py HOSTS CA ALICE_CERT ALICE_KEY BOB_CERT BOB_KEY ALICE_DN

HOSTS is the server's secureClientPort (host:port); the server asks for client certificates (ssl.clientAuth need)
and trusts the CA that signed alice's and bob's. CA, *_CERT and *_KEY are PEM files (the key unencrypted PKCS#8);
ALICE_DN is alice's subject as the server names her under the x509 scheme (RFC 2253, as Java prints it).

Kazoo 2.8 (Debian's) connects with use_ssl=True, ca=, certfile=, keyfile=, verify_certs=True: the server's chain is
checked against CA (Kazoo does not check the host name). The script
- connects as alice, creates, reads and sets a node;
- creates a node whose ACL is x509:ALICE_DN (make_acl), reads it and its ACL back;
- creates a node with the "auth" ACL, which the server expands to alice's x509 id;
- connects as bob, who reads the open node but gets NoAuthError on alice's;
- tries to connect with the CA alone, no certificate: it must not connect within REFUSED_SECONDS.

It prints one line per step on stdout, the same against any server that behaves as ZooKeeper 3.9.5 does; a step
that did not hold is marked. It exits 0 when every step held, 1 otherwise. Every wait is bounded.

KazooTlsTest (dev.keeper.compat.tls) runs it against ours and ZooKeeper 3.9.5. Not a pytest module (its name does
not start with test_).
"""

import sys

from kazoo.client import KazooClient
from kazoo.exceptions import NoAuthError
from kazoo.handlers.threading import KazooTimeoutError
from kazoo.security import make_acl

WAIT_SECONDS = 20
REFUSED_SECONDS = 10
ROOT = "/kazoo-tls"

failures = 0


def step(text, ok=True):
    global failures
    if not ok:
        failures += 1
        text += "   <-- not what ZooKeeper does"
    print(text, flush=True)


def client(hosts, ca, cert=None, key=None):
    return KazooClient(hosts=hosts, timeout=10.0, use_ssl=True, ca=ca, certfile=cert, keyfile=key,
                       verify_certs=True)


def stop(zk):
    zk.stop()
    zk.close()


def acl_text(acls):
    return ", ".join("%s:%s perms=%d" % (a.id.scheme, a.id.id, a.perms) for a in acls)


def main():
    hosts, ca, alice_cert, alice_key, bob_cert, bob_key, alice_dn = sys.argv[1:8]

    alice = client(hosts, ca, alice_cert, alice_key)
    alice.start(timeout=WAIT_SECONDS)
    step("alice connects over TLS: %s" % alice.state, alice.state == "CONNECTED")

    alice.ensure_path(ROOT)
    alice.create(ROOT + "/open", b"hello")
    data, stat = alice.get(ROOT + "/open")
    step("alice reads %s/open: %r version %d" % (ROOT, data, stat.version), data == b"hello" and stat.version == 0)
    stat = alice.set(ROOT + "/open", b"world")
    step("alice sets it: version %d" % stat.version, stat.version == 1)

    mine = make_acl("x509", alice_dn, all=True)
    alice.create(ROOT + "/alice-only", b"secret", acl=[mine])
    data, _ = alice.get(ROOT + "/alice-only")
    step("alice reads %s/alice-only: %r" % (ROOT, data), data == b"secret")
    acls, _ = alice.get_acls(ROOT + "/alice-only")
    step("its ACL: %s" % acl_text(acls), acls == [mine])

    alice.create(ROOT + "/creator", b"c", acl=[make_acl("auth", "", all=True)])
    acls, _ = alice.get_acls(ROOT + "/creator")
    step("an auth ACL is stored as: %s" % acl_text(acls), acls == [mine])

    bob = client(hosts, ca, bob_cert, bob_key)
    bob.start(timeout=WAIT_SECONDS)
    step("bob connects over TLS: %s" % bob.state, bob.state == "CONNECTED")
    data, _ = bob.get(ROOT + "/open")
    step("bob reads %s/open: %r" % (ROOT, data), data == b"world")
    for what, op in (("get", lambda: bob.get(ROOT + "/alice-only")),
                     ("set", lambda: bob.set(ROOT + "/alice-only", b"bob's")),
                     ("get_acls", lambda: bob.get_acls(ROOT + "/alice-only"))):
        try:
            op()
            outcome = "allowed"
        except NoAuthError:
            outcome = "NoAuthError"
        step("bob %s %s/alice-only: %s" % (what, ROOT, outcome), outcome == "NoAuthError")
    stop(bob)

    anonymous = client(hosts, ca)
    try:
        anonymous.start(timeout=REFUSED_SECONDS)
        outcome = "connected"
    except KazooTimeoutError:
        outcome = "no connection in %d s" % REFUSED_SECONDS
    finally:
        stop(anonymous)
    step("a client without a certificate: %s" % outcome, outcome != "connected")

    data, _ = alice.get(ROOT + "/alice-only")
    step("alice still reads %s/alice-only: %r" % (ROOT, data), data == b"secret")
    alice.delete(ROOT, recursive=True)
    stop(alice)
    step("done")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
