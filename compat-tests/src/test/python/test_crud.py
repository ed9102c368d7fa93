"""Create, read, update, delete: results, Stat fields and error codes as ZooKeeper gives them."""

import pytest
from kazoo.exceptions import (
    BadVersionError,
    NoAuthError,
    NodeExistsError,
    NoNodeError,
    NotEmptyError,
)
from kazoo.security import OPEN_ACL_UNSAFE, make_digest_acl


def test_create_then_get_returns_data_and_a_fresh_stat(zk, root):
    path = zk.create(root + "/n", b"hello")
    data, stat = zk.get(path)
    assert path == root + "/n"
    assert data == b"hello"
    assert (stat.version, stat.cversion, stat.aversion) == (0, 0, 0)
    assert stat.dataLength == 5
    assert stat.numChildren == 0
    assert stat.ephemeralOwner == 0
    assert stat.czxid == stat.mzxid == stat.pzxid
    assert stat.ctime == stat.mtime
    assert stat.ctime > 1_000_000_000_000  # ms since the epoch


def test_create_with_include_data_returns_the_same_stat_as_exists(zk, root):
    path, stat = zk.create(root + "/n", b"abc", include_data=True)
    assert path == root + "/n"
    assert stat == zk.exists(path)
    assert stat.dataLength == 3


def test_create_empty_node_has_empty_data(zk, root):
    zk.create(root + "/empty")
    data, stat = zk.get(root + "/empty")
    assert data == b""
    assert stat.dataLength == 0


def test_binary_data_round_trips_byte_for_byte(zk, root):
    value = bytes(range(256)) * 4
    zk.create(root + "/bin", value)
    assert zk.get(root + "/bin")[0] == value


def test_large_value_round_trips(zk, root):
    value = b"x" * 500_000
    zk.create(root + "/big", value)
    data, stat = zk.get(root + "/big")
    assert data == value
    assert stat.dataLength == 500_000


def test_unicode_path_round_trips(zk, root):
    path = zk.create(root + "/grüße-日本", b"u")
    assert path == root + "/grüße-日本"
    assert zk.get_children(root) == ["grüße-日本"]


def test_set_bumps_version_and_mzxid_and_keeps_czxid(zk, root):
    zk.create(root + "/n", b"v0")
    before = zk.exists(root + "/n")
    after = zk.set(root + "/n", b"value1")
    assert after.version == 1
    assert after.czxid == before.czxid
    assert after.mzxid > before.mzxid
    assert after.pzxid == before.pzxid
    assert after.dataLength == 6
    assert after.mtime >= before.mtime
    assert zk.get(root + "/n") == (b"value1", after)


def test_set_with_matching_version_succeeds_and_stale_version_fails(zk, root):
    zk.create(root + "/n", b"v0")
    zk.set(root + "/n", b"v1", version=0)
    with pytest.raises(BadVersionError):
        zk.set(root + "/n", b"v2", version=0)
    assert zk.get(root + "/n")[0] == b"v1"


def test_children_change_the_parent_cversion_numchildren_and_pzxid(zk, root):
    parent = zk.exists(root)
    zk.create(root + "/c", b"")
    child = zk.exists(root + "/c")
    with_child = zk.exists(root)
    assert with_child.numChildren == 1
    assert with_child.cversion == parent.cversion + 1
    assert with_child.pzxid == child.czxid
    assert with_child.mzxid == parent.mzxid
    assert with_child.version == parent.version

    zk.delete(root + "/c")
    without = zk.exists(root)
    assert without.numChildren == 0
    assert without.cversion == parent.cversion + 2
    assert without.pzxid > child.czxid
    assert without.mzxid == parent.mzxid


def test_get_children_lists_every_child(zk, root):
    for name in ["b", "a", "c"]:
        zk.create(f"{root}/{name}")
    assert sorted(zk.get_children(root)) == ["a", "b", "c"]
    children, stat = zk.get_children(root, include_data=True)
    assert sorted(children) == ["a", "b", "c"]
    assert stat == zk.exists(root)
    assert stat.numChildren == 3


def test_sequential_names_count_from_the_parent_cversion(zk, root):
    first = zk.create(root + "/s-", sequence=True)
    second = zk.create(root + "/s-", sequence=True)
    assert first == root + "/s-0000000000"
    assert second == root + "/s-0000000001"
    zk.create(root + "/plain")
    zk.delete(first)
    # ZooKeeper counts child creates in the parent (the suffix is that count) and reports cversion as
    # 2 * creates - children, so a delete raises the reported cversion but not the next suffix.
    assert zk.exists(root).cversion == 4
    assert zk.create(root + "/s-", sequence=True) == root + "/s-0000000003"
    assert zk.create(root + "/other-", b"x", sequence=True) == root + "/other-0000000004"


def test_sequential_node_directly_under_a_trailing_slash(zk, root):
    path = zk.create(root + "/", sequence=True)
    assert path == root + "/0000000000"


def test_exists_returns_none_for_a_missing_node(zk, root):
    assert zk.exists(root + "/missing") is None


def test_makepath_creates_missing_parents(zk, root):
    zk.create(root + "/a/b/c", b"deep", makepath=True)
    assert zk.get(root + "/a/b/c")[0] == b"deep"
    assert zk.get_children(root + "/a") == ["b"]


def test_ensure_path_is_idempotent(zk, root):
    zk.ensure_path(root + "/x/y")
    zk.ensure_path(root + "/x/y")
    assert zk.exists(root + "/x/y") is not None


def test_delete_with_version(zk, root):
    zk.create(root + "/n", b"")
    zk.set(root + "/n", b"1")
    with pytest.raises(BadVersionError):
        zk.delete(root + "/n", version=0)
    zk.delete(root + "/n", version=1)
    assert zk.exists(root + "/n") is None


def test_recursive_delete_removes_a_subtree(zk, root):
    for p in ["/t/a/1", "/t/a/2", "/t/b"]:
        zk.create(root + p, makepath=True)
    zk.delete(root + "/t", recursive=True)
    assert zk.get_children(root) == []


def test_errors_have_zookeeper_codes(zk, root):
    zk.create(root + "/n", b"")
    with pytest.raises(NodeExistsError):
        zk.create(root + "/n", b"")
    with pytest.raises(NoNodeError):
        zk.create(root + "/missing/child", b"")
    with pytest.raises(NoNodeError):
        zk.get(root + "/missing")
    with pytest.raises(NoNodeError):
        zk.set(root + "/missing", b"")
    with pytest.raises(NoNodeError):
        zk.delete(root + "/missing")
    with pytest.raises(NoNodeError):
        zk.get_children(root + "/missing")
    zk.create(root + "/n/child", b"")
    with pytest.raises(NotEmptyError):
        zk.delete(root + "/n")


def test_sequential_create_under_a_missing_parent_is_no_node(zk, root):
    with pytest.raises(NoNodeError):
        zk.create(root + "/missing/s-", sequence=True)


def test_sync_then_read_sees_the_write_of_another_client(zk, zk2, root):
    zk2.create(root + "/n", b"from-2")
    zk.sync(root + "/n")
    assert zk.get(root + "/n")[0] == b"from-2"


def test_default_acl_is_open(zk, root):
    zk.create(root + "/n")
    acls, stat = zk.get_acls(root + "/n")
    assert list(acls) == list(OPEN_ACL_UNSAFE)
    assert stat.aversion == 0


def test_digest_acl_guards_reads_until_auth(make_client, root):
    owner = make_client()
    owner.add_auth("digest", "alice:secret")
    owner.create(root + "/private", b"mine", acl=[make_digest_acl("alice", "secret", all=True)])
    stranger = make_client()
    with pytest.raises(NoAuthError):
        stranger.get(root + "/private")
    with pytest.raises(NoAuthError):
        stranger.set(root + "/private", b"theirs")
    stranger.add_auth("digest", "alice:secret")
    assert stranger.get(root + "/private")[0] == b"mine"
    owner.delete(root + "/private")  # the fixture's client could not list it to clean up


def test_set_acls_bumps_aversion_and_checks_it(zk, root):
    zk.create(root + "/n")
    stat = zk.set_acls(root + "/n", OPEN_ACL_UNSAFE, version=0)
    assert stat.aversion == 1
    with pytest.raises(BadVersionError):
        zk.set_acls(root + "/n", OPEN_ACL_UNSAFE, version=0)
