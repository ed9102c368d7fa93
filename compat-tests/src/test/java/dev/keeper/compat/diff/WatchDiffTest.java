package dev.keeper.compat.diff;

import static org.apache.zookeeper.CreateMode.EPHEMERAL;
import static org.apache.zookeeper.CreateMode.PERSISTENT;
import static org.apache.zookeeper.CreateMode.PERSISTENT_SEQUENTIAL;

import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.Watcher.WatcherType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Watches: one-shot data, exist and child watches (each fires at most once, with the zxid of the change, and
 * before the reply that shows the change to the same client), persistent and persistent recursive watches
 * (addWatch), and removeWatches / checkWatches for each watcher type.
 */
class WatchDiffTest {
    private static Differential diff;

    @BeforeAll
    static void start() {
        diff = Differential.start();
    }

    @AfterAll
    static void stop() {
        diff.close();
    }

    @Test
    void watch_data_firesOnceWithTheChangesZxid(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c1.create2(p + "/a", "0", PERSISTENT);
            c2.getData(p + "/a", c2.w("data"));
            c1.setData(p + "/a", "1", -1);
            c1.setData(p + "/a", "2", -1);
            c2.getData(p + "/a", c2.w("data"));
            c1.delete(p + "/a", -1);
            c1.create2(p + "/a", "3", PERSISTENT);
            // getData on a missing node sets no watch
            c2.getData(p + "/b", c2.w("missing"));
            c1.create2(p + "/b", "", PERSISTENT);
            c1.setData(p + "/b", "x", -1);
        });
    }

    @Test
    void watch_exists_onMissingNodeSeesNodeCreated_onPresentNodeSeesChangeOrDelete(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c2.exists(p + "/a", c2.w("created"));
            c1.create2(p + "/a", "", PERSISTENT);
            c1.setData(p + "/a", "no watch left", -1);
            c2.exists(p + "/a", c2.w("changed"));
            c1.setData(p + "/a", "x", -1);
            c2.exists(p + "/a", c2.w("deleted"));
            c1.delete(p + "/a", -1);
            c1.create2(p + "/a", "", PERSISTENT);
        });
    }

    @Test
    void watch_child_firesOnCreateAndDelete_notOnChildData_andOnOwnDelete(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c1.create2(p + "/parent", "", PERSISTENT);
            c1.create2(p + "/parent/x", "", PERSISTENT);
            c2.getChildren(p + "/parent", c2.w("children"));
            c1.setData(p + "/parent/x", "data", -1);
            c1.setData(p + "/parent", "own data", -1);
            c1.create2(p + "/parent/y", "", PERSISTENT);
            c1.create2(p + "/parent/z", "", PERSISTENT);
            c2.getChildren2(p + "/parent", c2.w("children2"));
            c1.delete(p + "/parent/y", -1);
            c2.getChildren(p + "/parent", c2.w("parentGone"));
            c1.delete(p + "/parent/x", -1);
            c2.getChildren(p + "/parent", c2.w("parentGone"));
            c1.delete(p + "/parent/z", -1);
            c2.getChildren(p + "/parent", c2.w("parentGone"));
            c1.delete(p + "/parent", -1);
        });
    }

    @Test
    void watch_eventReachesTheClientBeforeTheReplyThatShowsTheChange(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/a", "", PERSISTENT);
            c.getData(p + "/a", c.w("data"));
            c.getChildren(p, c.w("children"));
            c.exists(p + "/b", c.w("exists"));
            c.setData(p + "/a", "1", -1);
            c.create2(p + "/b", "", EPHEMERAL);
            c.pipelined(() -> {
                c.getData(p + "/a", c.w("data"));
                c.setData(p + "/a", "2", -1);
                c.getData(p + "/a", c.w("data"));
                c.delete(p + "/a", -1);
                c.exists(p + "/a", null);
            });
        });
    }

    @Test
    void watch_oneNotificationPerConnection_evenWithSeveralWatchers(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c1.create2(p + "/a", "", PERSISTENT);
            c2.getData(p + "/a", c2.w("data"));
            c2.exists(p + "/a", c2.w("exists"));
            c2.addWatch(p + "/a", c2.w("persistent"), AddWatchMode.PERSISTENT);
            c2.addWatch(p, c2.w("recursive"), AddWatchMode.PERSISTENT_RECURSIVE);
            c1.setData(p + "/a", "1", -1);
            // data and child watches of one node, both told of its deletion by one notification
            c2.getData(p + "/a", c2.w("data"));
            c2.getChildren(p + "/a", c2.w("children"));
            c1.delete(p + "/a", -1);
            c1.create2(p + "/a", "", PERSISTENT);
        });
    }

    @Test
    void watch_createAndDelete_fireNodeEventThenParentChildrenChanged(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c2.exists(p + "/a", c2.w("node"));
            c2.getChildren(p, c2.w("parent"));
            c1.create2(p + "/a", "", PERSISTENT);
            c2.exists(p + "/a", c2.w("node"));
            c2.getChildren(p, c2.w("parent"));
            c1.delete(p + "/a", -1);
            c2.exists(p + "/s-0000000002", c2.w("seq"));
            c1.create2(p + "/s-", "", PERSISTENT_SEQUENTIAL);
        });
    }

    @Test
    void addWatch_persistent_firesOnEveryChangeOfTheNodeAndItsChildList(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c2.addWatch(p + "/a", c2.w("persistent"), AddWatchMode.PERSISTENT);
            c1.create2(p + "/a", "", PERSISTENT);
            c1.setData(p + "/a", "1", -1);
            c1.setData(p + "/a", "2", -1);
            c1.create2(p + "/a/child", "", PERSISTENT);
            c1.setData(p + "/a/child", "not seen", -1);
            c1.create2(p + "/a/child/grandchild", "", PERSISTENT);
            c1.delete(p + "/a/child/grandchild", -1);
            c1.delete(p + "/a/child", -1);
            c1.delete(p + "/a", -1);
            c1.create2(p + "/a", "", PERSISTENT);
            c2.exists(p + "/a", null);
        });
    }

    @Test
    void addWatch_persistentRecursive_carriesTheChangedPath_neverChildrenChanged(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c2.addWatch(p + "/r", c2.w("recursive"), AddWatchMode.PERSISTENT_RECURSIVE);
            c1.create2(p + "/r", "", PERSISTENT);
            c1.create2(p + "/r/a", "", PERSISTENT);
            c1.create2(p + "/r/a/b", "", PERSISTENT);
            c1.setData(p + "/r/a/b", "1", -1);
            c1.setData(p + "/r", "2", -1);
            c1.create2(p + "/r/e", "", EPHEMERAL);
            c1.delete(p + "/r/a/b", -1);
            c1.delete(p + "/r/a", -1);
            // siblings and a name that merely starts like the watched one are outside it
            c1.create2(p + "/rx", "", PERSISTENT);
            c1.create2(p + "/other", "", PERSISTENT);
            c1.setData(p, "parent", -1);
            c2.getChildren(p + "/r", c2.w("children"));
            c1.create2(p + "/r/last", "", PERSISTENT);
        });
    }

    @Test
    void removeWatches_eachWatcherType_andNoWatcher(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c1.create2(p + "/a", "", PERSISTENT);
            c2.getData(p + "/a", c2.w("data"));
            c2.exists(p + "/missing", c2.w("exists"));
            c2.getChildren(p + "/a", c2.w("children"));
            c2.addWatch(p + "/a", c2.w("persistent"), AddWatchMode.PERSISTENT);
            c2.addWatch(p + "/a", c2.w("recursive"), AddWatchMode.PERSISTENT_RECURSIVE);
            c2.removeWatches(p + "/a", c2.w("data"), WatcherType.Children, false);
            c2.removeWatches(p + "/a", c2.w("data"), WatcherType.Data, false);
            c2.removeWatches(p + "/missing", c2.w("exists"), WatcherType.Data, false);
            c2.removeWatches(p + "/a", c2.w("children"), WatcherType.Children, false);
            c2.removeWatches(p + "/a", c2.w("persistent"), WatcherType.Persistent, false);
            c2.removeWatches(p + "/a", c2.w("recursive"), WatcherType.PersistentRecursive, false);
            c2.removeWatches(p + "/a", c2.w("data"), WatcherType.Any, false);
            // nothing is left to fire
            c1.setData(p + "/a", "1", -1);
            c1.create2(p + "/a/child", "", PERSISTENT);
            c1.create2(p + "/missing", "", PERSISTENT);
            // removeAllWatches (opcode 18) and type Any
            c2.getData(p + "/a", c2.w("data"));
            c2.getChildren(p + "/a", c2.w("children"));
            c2.removeAllWatches(p + "/a", WatcherType.Any, false);
            c2.addWatch(p + "/a", c2.w("persistent"), AddWatchMode.PERSISTENT);
            c2.removeAllWatches(p + "/a", WatcherType.Persistent, false);
            c2.addWatch(p + "/a", c2.w("recursive"), AddWatchMode.PERSISTENT_RECURSIVE);
            c2.removeAllWatches(p + "/a", WatcherType.Data, false);
            c2.removeAllWatches(p + "/a", WatcherType.PersistentRecursive, false);
            c1.setData(p + "/a", "2", -1);
            c1.delete(p + "/a/child", -1);
        });
    }

    @Test
    void removeWatches_local_dropsOnlyTheClientSide(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c1.create2(p + "/a", "", PERSISTENT);
            c2.getData(p + "/a", c2.w("data"));
            c2.removeWatches(p + "/a", c2.w("data"), WatcherType.Data, true);
            c1.setData(p + "/a", "1", -1);
            c2.getData(p + "/a", null);
        });
    }

    @Test
    void watch_severalClients_eachToldOnce(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            Client c3 = env.client("c3");
            String p = env.prefix(c1);
            c1.create2(p + "/a", "", PERSISTENT);
            for (Client c : new Client[] {c1, c2, c3}) {
                c.getData(p + "/a", c.w("data"));
                c.exists(p + "/a", c.w("exists"));
            }
            c3.setData(p + "/a", "1", -1);
            c3.setData(p + "/a", "2", -1);
        });
    }
}
