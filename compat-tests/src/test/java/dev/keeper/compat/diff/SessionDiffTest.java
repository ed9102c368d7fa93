package dev.keeper.compat.diff;

import static org.apache.zookeeper.CreateMode.EPHEMERAL;
import static org.apache.zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL;
import static org.apache.zookeeper.CreateMode.PERSISTENT;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.LoopbackProxy;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.Watcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Sessions: closing and expiring delete ephemerals under the closeSession zxid and drop the session's watches;
 * a client that reconnects to its session re-registers its watches (setWatches, setWatches2) and the server
 * answers with the catch-up events (zxid −1) for what changed while it was away. A {@link LoopbackProxy} decides
 * when the client is away. Short ticks (500 ms) so expiry takes a second or two.
 */
class SessionDiffTest {
    private static final int TICK = 500;
    private static Differential diff;

    @BeforeAll
    static void start() {
        diff = Differential.start(Differential.Config.defaults()
                .withSettings(Servers.Settings.defaults().withTickTime(TICK)));
    }

    @AfterAll
    static void stop() {
        diff.close();
    }

    @Test
    void session_close_deletesEphemeralsUnderTheCloseZxid_andFiresTheirWatches(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c1.create2(p + "/a", "", PERSISTENT);
            c1.create2(p + "/b", "", PERSISTENT);
            c2.create2(p + "/a/e", "", EPHEMERAL);
            c2.create2(p + "/b/s-", "", EPHEMERAL_SEQUENTIAL);
            c1.exists(p + "/a/e", c1.w("ephemeral"));
            c1.getChildren(p + "/a", c1.w("children"));
            c2.closeSession();
            c1.getChildren2(p + "/a", null);
            c1.getChildren2(p + "/b", null);
            c1.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void session_close_dropsItsWatches_persistentOnesToo(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c1.create2(p + "/a", "", PERSISTENT);
            env.note("wchs", "before: ", env.settledFourLetterWord("wchs"));
            c2.getData(p + "/a", c2.w("data"));
            c2.exists(p + "/missing", c2.w("exists"));
            c2.getChildren(p + "/a", c2.w("children"));
            c2.addWatch(p + "/a", c2.w("persistent"), AddWatchMode.PERSISTENT);
            c2.addWatch(p, c2.w("recursive"), AddWatchMode.PERSISTENT_RECURSIVE);
            env.note("wchs", "watching: ", env.settledFourLetterWord("wchs"));
            c2.closeSession();
            env.note("wchs", "after close: ", env.settledFourLetterWord("wchs"));
            c1.setData(p + "/a", "x", -1);
            c1.create2(p + "/missing", "", PERSISTENT);
        });
    }

    @Test
    void session_expiry_deletesEphemerals_andTheClientSeesExpired(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            LoopbackProxy proxy = env.proxy();
            Client doomed = env.client("doomed", proxy.connectString(), 2 * TICK);
            String p = env.prefix(c1);
            doomed.create2(p + "/e", "", EPHEMERAL);
            c1.exists(p + "/e", c1.w("ephemeral"));
            proxy.cut();
            c1.awaitEvent("ephemeral", 20_000);
            proxy.restore();
            doomed.awaitState(Watcher.Event.KeeperState.Expired, 20_000);
            c1.getChildren2(p, null);
            c1.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void reconnect_setWatches_catchUpEventsCarryZxidMinusOne(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            LoopbackProxy proxy = env.proxy();
            Client away = env.client("away", proxy.connectString());
            String p = env.prefix(c1);
            c1.create2(p + "/changed", "", PERSISTENT);
            c1.create2(p + "/deleted", "", PERSISTENT);
            c1.create2(p + "/same", "", PERSISTENT);
            c1.create2(p + "/parent", "", PERSISTENT);
            c1.create2(p + "/parent/child", "", PERSISTENT);
            c1.create2(p + "/quiet", "", PERSISTENT);
            c1.create2(p + "/gone", "", PERSISTENT);
            away.getData(p + "/changed", away.w("changed"));
            away.getData(p + "/deleted", away.w("deleted"));
            away.getData(p + "/same", away.w("same"));
            away.exists(p + "/born", away.w("born"));
            away.exists(p + "/unborn", away.w("unborn"));
            away.getChildren(p + "/parent", away.w("parentOfDeleted"));
            away.getChildren(p + "/quiet", away.w("quietChildren"));
            away.getChildren(p + "/gone", away.w("goneChildren"));
            away.create2(p + "/mine", "", EPHEMERAL);
            proxy.cut();
            c1.setData(p + "/changed", "x", -1);
            c1.delete(p + "/deleted", -1);
            c1.create2(p + "/born", "", PERSISTENT);
            // a child delete moves the parent's pzxid: the catch-up must see it
            c1.delete(p + "/parent/child", -1);
            c1.setData(p + "/quiet", "data, not children", -1);
            c1.delete(p + "/gone", -1);
            proxy.restore();
            away.awaitReconnected();
            away.exists(p + "/mine", null);
            // the watches that had nothing to catch up on are armed again and fire for real
            c1.setData(p + "/same", "now", -1);
            c1.create2(p + "/unborn", "", PERSISTENT);
            c1.create2(p + "/quiet/child", "", PERSISTENT);
        });
    }

    @Test
    void reconnect_setWatches2_reArmsPersistentWatches(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            LoopbackProxy proxy = env.proxy();
            Client away = env.client("away", proxy.connectString());
            String p = env.prefix(c1);
            c1.create2(p + "/p", "", PERSISTENT);
            c1.create2(p + "/r", "", PERSISTENT);
            c1.create2(p + "/d", "", PERSISTENT);
            away.addWatch(p + "/p", away.w("persistent"), AddWatchMode.PERSISTENT);
            away.addWatch(p + "/r", away.w("recursive"), AddWatchMode.PERSISTENT_RECURSIVE);
            away.getData(p + "/d", away.w("data"));
            proxy.cut();
            // persistent watches are re-armed, never caught up; the one-shot one is caught up
            c1.setData(p + "/p", "missed", -1);
            c1.create2(p + "/r/missed", "", PERSISTENT);
            c1.setData(p + "/d", "missed", -1);
            proxy.restore();
            away.awaitReconnected();
            away.sync(p);
            c1.setData(p + "/p", "seen", -1);
            c1.create2(p + "/p/child", "", PERSISTENT);
            c1.setData(p + "/r/missed", "seen", -1);
            c1.setData(p + "/d", "not watched any more", -1);
        });
    }

    @Test
    void session_close_deletesEphemeralsInZooKeepersOrder(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c1.addWatch(p, c1.w("recursive"), AddWatchMode.PERSISTENT_RECURSIVE);
            for (String name : new String[] {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
                "hotel", "india", "juliet", "kilo", "lima", "mike", "november"}) {
                c2.create(p + "/" + name, "", EPHEMERAL);
            }
            c2.delete(p + "/delta", -1);
            c2.create(p + "/s-", "", EPHEMERAL_SEQUENTIAL);
            c2.closeSession();
            c1.getChildren2(p, null);
        });
    }

    @Test
    void reconnect_setWatchesSplitIntoBatches_allReArmed(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            LoopbackProxy proxy = env.proxy();
            Client away = env.client("away", proxy.connectString());
            String p = env.prefix(c1);
            // about 300 KB of watched paths: the client sends them in batches of about 128 KB
            String longName = "n".repeat(1000);
            int count = 300;
            away.pipelined(() -> {
                for (int i = 0; i < count; i++) {
                    away.exists(p + "/" + longName + i, away.w("exists"));
                }
            });
            proxy.cut();
            c1.create2(p + "/" + longName + 7, "", PERSISTENT);
            c1.create2(p + "/" + longName + (count - 1), "", PERSISTENT);
            proxy.restore();
            away.awaitReconnected();
            away.sync(p);
            c1.create2(p + "/" + longName + 150, "", PERSISTENT);
            c1.create2(p + "/" + longName + 0, "", PERSISTENT);
        });
    }

    @Test
    void reconnect_afterTheClientDropsItsSocket_watchesSurviveAndFireLater(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c1.create2(p + "/a", "", PERSISTENT);
            c2.create2(p + "/e", "", EPHEMERAL);
            c2.getData(p + "/a", c2.w("data"));
            c2.exists(p + "/missing", c2.w("exists"));
            c2.getChildren(p, c2.w("children"));
            c2.addWatch(p + "/a", c2.w("persistent"), AddWatchMode.PERSISTENT);
            // the 3.9 client's test hook closes its own socket; it reconnects to the same session at once
            c2.zk().getTestable().closeSocket();
            c2.awaitReconnected();
            c2.exists(p + "/e", null);
            c1.setData(p + "/a", "1", -1);
            c1.create2(p + "/missing", "", PERSISTENT);
            c1.setData(p + "/a", "2", -1);
        });
    }

    @Test
    void session_timeoutBounds_defaultToTwoAndTwentyTicks(TestInfo info) {
        Differential.fresh(Differential.Config.defaults()
                .withSettings(new Servers.Settings(TICK, -1, -1, 60)), info, env -> {
                    Client c = env.client("c1");
                    for (int asked : new int[] {1, 999, 5_000, 10_001, 1_000_000}) {
                        RawChannel raw = env.raw("asked " + asked);
                        raw.connect(asked, 0, 0, new byte[16], false);
                    }
                    c.exists("/", null);
                });
    }
}
