"""Every kind of watch Kazoo offers: exists, get and get_children watches (one-shot, as in ZooKeeper), the
DataWatch and ChildrenWatch recipes, TreeCache, connection-state listeners, and what each does across a
reconnect.

A test that asserts a watch did NOT fire uses a fence: a later watch on the same session that must fire.
ZooKeeper delivers a session's notifications in order, so once the fence has fired, an earlier notification
would have arrived already.
"""

from kazoo.protocol.connection import _CONNECTION_DROP
from kazoo.protocol.states import EventType, KazooState
from kazoo.recipe.cache import TreeCache, TreeEvent

from support import Recorder, drop_connection, wait_until


def fence(zk, path):
    """Sets a one-shot watch on path, changes it, and waits for that watch."""
    seen = Recorder()
    zk.ensure_path(path)
    zk.get(path, watch=seen)
    zk.set(path, b"fence")
    seen.wait_for(count=1)


def test_exists_watch_on_a_missing_node_fires_created(zk, zk2, root):
    seen = Recorder()
    assert zk.exists(root + "/n", watch=seen) is None
    zk2.create(root + "/n", b"")
    event = seen.wait_for(count=1)[0]
    assert event.type == EventType.CREATED
    assert event.path == root + "/n"
    assert event.state == KazooState.CONNECTED


def test_exists_watch_on_an_existing_node_fires_changed_then_is_spent(zk, zk2, root):
    zk.create(root + "/n", b"")
    seen = Recorder()
    zk.exists(root + "/n", watch=seen)
    zk2.set(root + "/n", b"1")
    assert seen.wait_for(count=1)[0].type == EventType.CHANGED
    zk2.set(root + "/n", b"2")
    fence(zk, root + "/fence")
    assert len(seen.items) == 1


def test_exists_watch_fires_deleted(zk, zk2, root):
    zk.create(root + "/n", b"")
    seen = Recorder()
    zk.exists(root + "/n", watch=seen)
    zk2.delete(root + "/n")
    event = seen.wait_for(count=1)[0]
    assert (event.type, event.path) == (EventType.DELETED, root + "/n")


def test_get_watch_fires_changed_once(zk, zk2, root):
    zk.create(root + "/n", b"0")
    seen = Recorder()
    zk.get(root + "/n", watch=seen)
    zk2.set(root + "/n", b"1")
    event = seen.wait_for(count=1)[0]
    assert (event.type, event.path) == (EventType.CHANGED, root + "/n")
    zk2.set(root + "/n", b"2")
    fence(zk, root + "/fence")
    assert len(seen.items) == 1


def test_get_watch_fires_deleted(zk, zk2, root):
    zk.create(root + "/n", b"0")
    seen = Recorder()
    zk.get(root + "/n", watch=seen)
    zk2.delete(root + "/n")
    assert seen.wait_for(count=1)[0].type == EventType.DELETED


def test_a_watch_fires_for_the_watching_clients_own_change(zk, root):
    zk.create(root + "/n", b"0")
    seen = Recorder()
    zk.get(root + "/n", watch=seen)
    zk.set(root + "/n", b"1")
    assert seen.wait_for(count=1)[0].type == EventType.CHANGED


def test_children_watch_fires_child_on_create_and_on_delete(zk, zk2, root):
    seen = Recorder()
    assert zk.get_children(root, watch=seen) == []
    zk2.create(root + "/a", b"")
    event = seen.wait_for(count=1)[0]
    assert (event.type, event.path) == (EventType.CHILD, root)

    again = Recorder()
    assert zk.get_children(root, watch=again) == ["a"]
    zk2.delete(root + "/a")
    assert again.wait_for(count=1)[0].type == EventType.CHILD
    assert len(seen.items) == 1


def test_children_watch_fires_deleted_when_the_node_itself_goes(zk, zk2, root):
    zk.create(root + "/p", b"")
    seen = Recorder()
    zk.get_children(root + "/p", watch=seen)
    zk2.delete(root + "/p")
    event = seen.wait_for(count=1)[0]
    assert (event.type, event.path) == (EventType.DELETED, root + "/p")


def test_children_watch_ignores_a_change_of_a_childs_data(zk, zk2, root):
    zk.create(root + "/a", b"")
    seen = Recorder()
    zk.get_children(root, watch=seen)
    zk2.set(root + "/a", b"changed")
    fence(zk, root + "/a")
    assert seen.items == []


def test_data_watch_ignores_children(zk, zk2, root):
    zk.create(root + "/p", b"")
    seen = Recorder()
    zk.get(root + "/p", watch=seen)
    zk2.create(root + "/p/child", b"")
    fence(zk, root + "/fence")
    assert seen.items == []


def test_one_change_fires_data_exists_and_child_watches_of_several_clients(zk, zk2, make_client, root):
    zk3 = make_client()
    zk.create(root + "/n", b"")
    on_get, on_exists, on_children = Recorder(), Recorder(), Recorder()
    zk.get(root + "/n", watch=on_get)
    zk2.exists(root + "/n", watch=on_exists)
    zk3.get_children(root, watch=on_children)
    zk3.delete(root + "/n")
    assert on_get.wait_for(count=1)[0].type == EventType.DELETED
    assert on_exists.wait_for(count=1)[0].type == EventType.DELETED
    assert on_children.wait_for(count=1)[0].type == EventType.CHILD


def test_data_watch_recipe_follows_a_node_through_its_life(zk, zk2, root):
    seen = Recorder()

    @zk.DataWatch(root + "/n")
    def watcher(data, stat, event):
        seen((data, stat.version if stat else None, event.type if event else None))

    seen.wait_for(count=1)
    zk2.create(root + "/n", b"a")
    seen.wait_for(count=2)
    zk2.set(root + "/n", b"b")
    seen.wait_for(count=3)
    zk2.delete(root + "/n")
    seen.wait_for(count=4)
    zk2.create(root + "/n", b"c")
    assert seen.wait_for(count=5) == [
        (None, None, None),
        (b"a", 0, EventType.CREATED),
        (b"b", 1, EventType.CHANGED),
        (None, None, EventType.DELETED),
        (b"c", 0, EventType.CREATED),
    ]


def test_data_watch_recipe_stops_when_the_function_returns_false(zk, zk2, root):
    zk.create(root + "/n", b"0")
    seen = Recorder()

    @zk.DataWatch(root + "/n")
    def watcher(data, stat):
        seen(data)
        return data != b"1"

    zk2.set(root + "/n", b"1")
    seen.wait_for(count=2)
    zk2.set(root + "/n", b"2")
    fence(zk, root + "/fence")
    assert seen.items == [b"0", b"1"]


def test_children_watch_recipe_sees_every_membership(zk, zk2, root):
    seen = Recorder()

    @zk.ChildrenWatch(root, send_event=True)
    def watcher(children, event):
        seen((sorted(children), event.type if event else None))

    seen.wait_for(count=1)
    zk2.create(root + "/a", b"")
    seen.wait_for(count=2)
    zk2.create(root + "/b", b"")
    seen.wait_for(count=3)
    zk2.delete(root + "/a")
    assert seen.wait_for(count=4) == [
        ([], None),
        (["a"], EventType.CHILD),
        (["a", "b"], EventType.CHILD),
        (["b"], EventType.CHILD),
    ]


def test_tree_cache_mirrors_a_subtree(zk, zk2, root):
    zk.create(root + "/a", b"1")
    zk.create(root + "/a/x", b"2")
    events = Recorder()
    cache = TreeCache(zk, root)
    cache.listen(lambda event: events((event.event_type, event.event_data.path if event.event_data else None)))
    cache.start()
    try:
        events.wait_for(lambda e: (TreeEvent.INITIALIZED, None) in e)
        assert cache.get_data(root + "/a/x").data == b"2"
        assert sorted(cache.get_children(root)) == ["a"]

        zk2.set(root + "/a/x", b"3")
        events.wait_for(lambda e: (TreeEvent.NODE_UPDATED, root + "/a/x") in e)
        assert cache.get_data(root + "/a/x").data == b"3"

        zk2.create(root + "/b", b"4")
        events.wait_for(lambda e: (TreeEvent.NODE_ADDED, root + "/b") in e)
        zk2.delete(root + "/a", recursive=True)
        events.wait_for(lambda e: (TreeEvent.NODE_REMOVED, root + "/a") in e)
        wait_until(lambda: sorted(cache.get_children(root) or []) == ["b"], what="cache to drop /a")
        assert cache.get_data(root + "/a/x") is None
    finally:
        cache.close()


def test_watch_paths_are_relative_to_a_chroot(make_client, root):
    chrooted = make_client(chroot=root)
    writer = make_client()
    seen = Recorder()
    chrooted.exists("/n", watch=seen)
    writer.create(root + "/n", b"")
    event = seen.wait_for(count=1)[0]
    assert (event.type, event.path) == (EventType.CREATED, "/n")
    assert chrooted.get_children("/") == ["n"]


def test_listener_sees_suspended_and_connected_when_the_connection_drops(zk):
    states = Recorder()
    zk.add_listener(states)
    session = zk.client_id
    drop_connection(zk)
    assert states.wait_for(lambda s: s[-1:] == [KazooState.CONNECTED]) == [
        KazooState.SUSPENDED, KazooState.CONNECTED]
    assert zk.client_id == session


def test_plain_watches_get_a_none_event_when_the_connection_drops(zk, root):
    # Kazoo (unlike the Java client) does not re-register one-shot watches after a reconnect: it hands each a
    # NONE event carrying the connection state and forgets it. The recipes below re-read instead.
    zk.create(root + "/n", b"")
    seen = Recorder()
    zk.get(root + "/n", watch=seen)
    drop_connection(zk)
    event = seen.wait_for(count=1)[0]
    assert (event.type, event.path) == (EventType.NONE, None)


def test_recipes_catch_up_on_changes_made_while_disconnected(zk, zk2, hosts, root):
    zk.create(root + "/data", b"0")
    zk.create(root + "/parent", b"")
    data_seen, children_seen = Recorder(), Recorder()
    zk.DataWatch(root + "/data", lambda data, stat: data_seen(data))
    zk.ChildrenWatch(root + "/parent", lambda children: children_seen(sorted(children)))
    data_seen.wait_for(count=1)
    children_seen.wait_for(count=1)
    session = zk.client_id

    # Keep the client away from the server (its connection attempts go to a closed port) while another client
    # makes the changes; on its return it resumes the same session and the recipes re-read what changed.
    states = Recorder()
    zk.add_listener(states)
    zk.set_hosts("127.0.0.1:1")
    zk._call(_CONNECTION_DROP, None)
    states.wait_for(lambda s: KazooState.SUSPENDED in s)
    zk2.set(root + "/data", b"1")
    zk2.create(root + "/parent/c", b"")
    zk.set_hosts(hosts)
    states.wait_for(lambda s: s[-1:] == [KazooState.CONNECTED])

    assert zk.client_id == session
    assert data_seen.wait_for(lambda d: d[-1:] == [b"1"]) == [b"0", b"1"]
    assert children_seen.wait_for(lambda c: c[-1:] == [["c"]]) == [[], ["c"]]
