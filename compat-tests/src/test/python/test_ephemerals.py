"""Ephemeral nodes and the sessions that own them."""

import pytest
from kazoo.exceptions import NoChildrenForEphemeralsError
from kazoo.protocol.states import EventType, KazooState

from support import Recorder, drop_connection, expire_session


def test_ephemeral_owner_is_the_session_id(zk, root):
    zk.create(root + "/e", b"", ephemeral=True)
    assert zk.exists(root + "/e").ephemeralOwner == zk.client_id[0]
    zk.create(root + "/p", b"")
    assert zk.exists(root + "/p").ephemeralOwner == 0


def test_ephemeral_sequential_nodes_get_suffixes_and_an_owner(zk, root):
    first = zk.create(root + "/m-", b"", ephemeral=True, sequence=True)
    second = zk.create(root + "/m-", b"", ephemeral=True, sequence=True)
    assert (first, second) == (root + "/m-0000000000", root + "/m-0000000001")
    assert zk.exists(second).ephemeralOwner == zk.client_id[0]


def test_an_ephemeral_node_cannot_have_children(zk, root):
    zk.create(root + "/e", b"", ephemeral=True)
    with pytest.raises(NoChildrenForEphemeralsError):
        zk.create(root + "/e/child", b"")
    with pytest.raises(NoChildrenForEphemeralsError):
        zk.create(root + "/e/seq-", b"", sequence=True)


def test_closing_the_session_deletes_its_ephemerals_and_fires_watches(make_client, zk2, root):
    owner = make_client()
    owner.create(root + "/e1", b"", ephemeral=True)
    owner.create(root + "/e2", b"", ephemeral=True)
    owner.create(root + "/kept", b"")
    on_node, on_children = Recorder(), Recorder()
    zk2.exists(root + "/e1", watch=on_node)
    zk2.get_children(root, watch=on_children)
    owner.stop()
    event = on_node.wait_for(count=1)[0]
    assert (event.type, event.path) == (EventType.DELETED, root + "/e1")
    assert on_children.wait_for(count=1)[0].type == EventType.CHILD
    assert zk2.get_children(root) == ["kept"]


def test_ephemerals_of_other_sessions_are_untouched(make_client, zk2, root):
    leaving = make_client()
    leaving.create(root + "/mine", b"", ephemeral=True)
    zk2.create(root + "/theirs", b"", ephemeral=True)
    leaving.stop()
    assert zk2.get_children(root) == ["theirs"]


def test_ephemerals_survive_a_dropped_connection(zk, zk2, root):
    zk.create(root + "/e", b"", ephemeral=True)
    session = zk.client_id
    drop_connection(zk)
    assert zk.client_id == session
    assert zk2.exists(root + "/e").ephemeralOwner == session[0]


def test_an_expired_session_loses_its_ephemerals_and_the_client_starts_a_new_one(zk, zk2, hosts, root):
    zk.create(root + "/e", b"", ephemeral=True)
    old_session = zk.client_id[0]
    gone = Recorder()
    zk2.exists(root + "/e", watch=gone)

    states = expire_session(zk, hosts)
    assert KazooState.LOST in states
    assert gone.wait_for(count=1)[0].type == EventType.DELETED
    assert zk.client_id[0] != old_session
    assert zk.exists(root + "/e") is None
    zk.create(root + "/e", b"", ephemeral=True)
    assert zk2.exists(root + "/e").ephemeralOwner == zk.client_id[0]
