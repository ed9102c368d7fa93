"""Transactions (ZooKeeper's multi): all or nothing, with per-operation results."""

from kazoo.exceptions import (
    BadVersionError,
    NodeExistsError,
    NoNodeError,
    RolledBackError,
    RuntimeInconsistency,
)
from kazoo.protocol.states import EventType, ZnodeStat

from support import Recorder


def test_a_successful_transaction_applies_every_operation_and_returns_each_result(zk, root):
    zk.create(root + "/old", b"old")
    zk.create(root + "/doomed", b"")
    t = zk.transaction()
    t.create(root + "/new", b"new")
    t.set_data(root + "/old", b"changed")
    t.check(root + "/new", 0)
    t.delete(root + "/doomed")
    results = t.commit()

    assert results[0] == root + "/new"
    assert isinstance(results[1], ZnodeStat) and results[1].version == 1
    assert results[2:] == [True, True]
    assert zk.get(root + "/new")[0] == b"new"
    assert zk.get(root + "/old")[0] == b"changed"
    assert zk.exists(root + "/doomed") is None


def test_operations_share_one_zxid(zk, root):
    t = zk.transaction()
    t.create(root + "/a", b"")
    t.create(root + "/b", b"")
    t.commit()
    assert zk.exists(root + "/a").czxid == zk.exists(root + "/b").czxid


def test_later_operations_see_earlier_ones(zk, root):
    t = zk.transaction()
    t.create(root + "/p", b"")
    t.create(root + "/p/c", b"")
    t.set_data(root + "/p/c", b"set")
    t.check(root + "/p/c", 1)
    assert t.commit()[:2] == [root + "/p", root + "/p/c"]
    assert zk.get(root + "/p/c")[0] == b"set"


def test_a_failed_check_rolls_everything_back(zk, root):
    zk.create(root + "/x", b"x")
    t = zk.transaction()
    t.create(root + "/a", b"")
    t.check(root + "/x", 5)
    t.set_data(root + "/x", b"never")
    results = t.commit()

    # ZooKeeper reports the operations before the failure as rolled back (code 0), the failing one with its
    # own error, and those after it as "runtime inconsistency".
    assert [type(r) for r in results] == [RolledBackError, BadVersionError, RuntimeInconsistency]
    assert zk.exists(root + "/a") is None
    assert zk.get(root + "/x")[0] == b"x"


def test_a_create_of_an_existing_node_fails_the_transaction(zk, root):
    zk.create(root + "/x", b"")
    t = zk.transaction()
    t.create(root + "/y", b"")
    t.create(root + "/x", b"")
    results = t.commit()
    assert [type(r) for r in results] == [RolledBackError, NodeExistsError]
    assert zk.exists(root + "/y") is None


def test_a_delete_of_a_missing_node_fails_the_transaction(zk, root):
    zk.create(root + "/keep", b"")
    t = zk.transaction()
    t.delete(root + "/keep")
    t.delete(root + "/missing")
    results = t.commit()
    assert [type(r) for r in results] == [RolledBackError, NoNodeError]
    assert zk.exists(root + "/keep") is not None


def test_sequential_and_ephemeral_creates_in_a_transaction(zk, root):
    t = zk.transaction()
    t.create(root + "/s-", b"", sequence=True)
    t.create(root + "/s-", b"", sequence=True)
    t.create(root + "/e", b"", ephemeral=True)
    results = t.commit()
    assert results == [root + "/s-0000000000", root + "/s-0000000001", root + "/e"]
    assert zk.exists(root + "/e").ephemeralOwner == zk.client_id[0]


def test_a_committed_transaction_fires_watches(zk, zk2, root):
    zk.create(root + "/n", b"")
    on_data, on_children = Recorder(), Recorder()
    zk.get(root + "/n", watch=on_data)
    zk.get_children(root, watch=on_children)
    t = zk2.transaction()
    t.set_data(root + "/n", b"1")
    t.create(root + "/m", b"")
    t.commit()
    assert on_data.wait_for(count=1)[0].type == EventType.CHANGED
    assert on_children.wait_for(count=1)[0].type == EventType.CHILD


def test_a_transaction_as_a_context_manager_commits_on_exit(zk, root):
    with zk.transaction() as t:
        t.create(root + "/a", b"1")
        t.create(root + "/b", b"2")
    assert sorted(zk.get_children(root)) == ["a", "b"]

