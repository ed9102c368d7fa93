package dev.keeper.compat.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.JavaClient;
import dev.keeper.compat.support.LoopbackProxy;
import dev.keeper.compat.support.RawClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.jute.Record;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetWatches2;
import org.junit.jupiter.api.Test;

/**
 * 50,000 watches re-registered at once, on the real ZooKeeper 3.9.5 and on ours: the same catch-up events, then
 * each armed watch fires once.
 *
 * <ul>
 *   <li>Raw: one setWatches2 frame of 50,000 paths (650 KB) with a relative zxid before a round of changes: data
 *       watches on nodes changed since (NodeDataChanged), deleted since (NodeDeleted) or untouched (armed); exist
 *       watches on nodes created since (NodeCreated) or still absent (armed); child watches on the parent, whose
 *       children changed (NodeChildrenChanged), and on untouched leaves (armed). Then every armed watch is fired.
 *       The whole stream the watching session reads — events and reply, in order, zxids relative to the
 *       scenario's start — is compared.</li>
 *   <li>The stock Java client holding 50,000 watches (getData, exists and getChildren) loses its connection (a
 *       proxy cuts it), the tree changes meanwhile, and the client reconnects with the same session: it sends its
 *       watches in setWatches2 batches of about 128 KB with the last zxid it saw, and gets the catch-up events;
 *       then the rest fire. Every event it delivers, in order, is compared; each watch fires exactly once.</li>
 * </ul>
 */
class SetWatchesBigTest {
    private static final int BATCH = 500;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void oneSetWatches2OfFiftyThousandPaths_catchesUpAsZooKeeperDoes_thenEachWatchFiresOnce() throws Exception {
        List<String> zookeeper;
        try (Servers.Handle zk = Servers.zookeeper()) {
            zookeeper = raw(zk);
        }
        List<String> ours;
        try (Servers.Handle h = Servers.ours()) {
            ours = raw(h);
        }
        System.out.println("setWatches2 of 50,000 paths, what the watching session read on both: " + tally(ours));
        assertSameLines(zookeeper, ours);
        assertEquals(15_001 + 1 + 34_999 + 1, ours.size(), "catch-up events, the reply, fired events, silence");
    }

    @Test
    void theJavaClientReconnectingWithFiftyThousandWatches_seesWhatItSeesOnZooKeeper() throws Exception {
        List<String> zookeeper;
        try (Servers.Handle zk = Servers.zookeeper()) {
            zookeeper = javaClient(zk);
        }
        List<String> ours;
        try (Servers.Handle h = Servers.ours()) {
            ours = javaClient(h);
        }
        System.out.println("Java client reconnecting with 50,000 watches, its events on both: " + tally(ours));
        assertSameLines(zookeeper, ours);
    }

    /** Lines counted by kind (event type, catch-up or not), in order of first appearance: a stream in brief. */
    private static String tally(List<String> lines) {
        Map<String, Integer> kinds = new LinkedHashMap<>();
        for (String line : lines) {
            kinds.merge(line.replaceAll(" /\\S*", "").replaceAll("zxid \\+\\d+", "zxid +n"), 1, Integer::sum);
        }
        StringBuilder out = new StringBuilder();
        kinds.forEach((k, n) -> out.append(out.length() == 0 ? "" : "; ").append(n).append(" x ").append(k));
        return out.toString();
    }

    /** The raw scenario on one server: what the watching session read, in order. */
    private static List<String> raw(Servers.Handle server) throws Exception {
        try (RawClient writer = RawClient.connect(server.port()); RawClient watcher = RawClient.connect(server.port())) {
            writer.handshake(30_000);
            watcher.handshake(30_000);
            long base = multis(writer, List.<Record[]>of(create("/s")), 1);
            multis(writer, ops(0, 40_000, i -> create(s("n", i))), 100);
            long relative = multis(writer, List.<Record[]>of(create("/s/marker")), 200);
            // changes the watching session has not seen
            multis(writer, ops(0, 5_000, i -> setData(s("n", i))), 300);
            multis(writer, ops(5_000, 10_000, i -> delete(s("n", i))), 400);
            multis(writer, ops(0, 5_000, i -> create(s("m", i))), 500);

            List<String> data = paths("n", 0, 20_000);
            List<String> exist = paths("m", 0, 10_000);
            List<String> child = new ArrayList<>(List.of("/s"));
            child.addAll(paths("n", 20_000, 39_999));
            assertEquals(50_000, data.size() + exist.size() + child.size());
            long start = System.nanoTime();
            watcher.send(7, ZooDefs.OpCode.setWatches2, new SetWatches2(relative, data, exist, child, List.of(),
                    List.of()));
            List<String> seen = new ArrayList<>();
            while (true) {
                RawClient.Frame f = watcher.reply();
                if (f.xid() == 7) {
                    seen.add("setWatches2 answered err " + f.err() + " zxid " + relativeZxid(f.zxid(), base));
                    break;
                }
                seen.add(Events.describe(f) + " zxid " + relativeZxid(f.zxid(), base));
            }
            long caughtUpMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            // fire every watch that was armed
            multis(writer, ops(10_000, 20_000, i -> setData(s("n", i))), 1000);
            multis(writer, ops(5_000, 10_000, i -> create(s("m", i))), 2000);
            multis(writer, ops(20_000, 39_999, i -> delete(s("n", i))), 3000);
            for (int i = 0; i < 34_999; i++) {
                RawClient.Frame f = watcher.reply();
                seen.add(Events.describe(f) + " zxid " + relativeZxid(f.zxid(), base));
            }
            watcher.send(8, ZooDefs.OpCode.exists, new ExistsRequest("/s", false));
            RawClient.Frame last = watcher.reply();
            seen.add(last.xid() == 8 ? "then nothing more" : "then " + watcher.describe(last));
            System.out.printf(Locale.ROOT, "setWatches2 of 50,000 paths on %s: %d catch-up events and the reply in %d"
                    + " ms%n", server.name(), 15_001, caughtUpMs);
            return seen;
        }
    }

    /**
     * The Java client on one server: its 50,000 watches, a disconnection while the tree changes, the reconnection
     * and its catch-up, then every remaining watch fired. Returns each event it delivered, in order.
     */
    private static List<String> javaClient(Servers.Handle server) throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy(server.port());
                RawClient writer = RawClient.connect(server.port())) {
            writer.handshake(30_000);
            long base = multis(writer, List.<Record[]>of(create("/j")), 1);
            multis(writer, ops(0, 30_000, i -> create(j("j", i))), 100);

            BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper(proxy.connectString(), 30_000, e -> {
                if (e.getType() == Watcher.Event.EventType.None) {
                    states.add(e.getState());
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                } else {
                    events.add(e);
                }
            });
            try {
                assertTrue(connected.await(10, TimeUnit.SECONDS), "connected");
                armJavaClientWatches(zk);
                states.clear();

                proxy.cut();
                assertEquals(Watcher.Event.KeeperState.Disconnected, states.poll(10, TimeUnit.SECONDS));
                // changes while the client is away: 15,001 of its watches have an event to catch up on
                multis(writer, ops(0, 5_000, i -> setData(j("j", i))), 1000);
                multis(writer, ops(5_000, 7_500, i -> delete(j("j", i))), 2000);
                multis(writer, ops(0, 5_000, i -> create(j("x", i))), 3000);
                multis(writer, ops(20_000, 22_500, i -> create(j("j", i) + "/c")), 4000);
                proxy.restore();
                assertEquals(Watcher.Event.KeeperState.SyncConnected, states.poll(30, TimeUnit.SECONDS),
                        "reconnected with the same session");
                List<String> seen = new ArrayList<>();
                take(events, 15_001, seen, base);
                seen.add("-- caught up");
                multis(writer, ops(7_500, 20_000, i -> setData(j("j", i))), 5000);
                multis(writer, ops(5_000, 19_999, i -> create(j("x", i))), 6000);
                multis(writer, ops(22_500, 30_000, i -> create(j("j", i) + "/c")), 7000);
                take(events, 34_999, seen, base);
                // one more change under every path: a watch that fired already must not fire again
                multis(writer, ops(0, 1, i -> setData(j("j", 10_000))), 8000);
                WatchedEvent extra = events.poll(1, TimeUnit.SECONDS);
                seen.add(extra == null ? "then nothing more" : "then " + extra);
                assertEquals(List.of(), new ArrayList<>(states), "no other change of connection state");
                Set<String> distinct = new HashSet<>();
                for (String s : seen) {
                    assertTrue(distinct.add(s.replaceAll(" zxid .*", "")), "fired twice: " + s);
                }
                return seen;
            } finally {
                zk.close();
            }
        }
    }

    /**
     * 50,000 watches: getData on /j/j00000..j19999 (data), exists on /j/x00000..x19998 (absent: exist watches),
     * getChildren on /j and /j/j20000..j29999 (child). Sent asynchronously, a thousand at a time.
     */
    private static void armJavaClientWatches(ZooKeeper zk) throws Exception {
        Semaphore window = new Semaphore(1000);
        AtomicInteger failures = new AtomicInteger();
        AsyncCallback.DataCallback onData = (rc, p, ctx, d, st) -> done(window, failures, rc == 0);
        AsyncCallback.StatCallback onExists = (rc, p, ctx, st) -> done(window, failures, rc == -101);
        AsyncCallback.ChildrenCallback onChildren = (rc, p, ctx, c) -> done(window, failures, rc == 0);
        for (int i = 0; i < 20_000; i++) {
            window.acquire();
            zk.getData(j("j", i), true, onData, null);
        }
        for (int i = 0; i < 19_999; i++) {
            window.acquire();
            zk.exists(j("x", i), true, onExists, null);
        }
        window.acquire();
        zk.getChildren("/j", true, onChildren, null);
        for (int i = 20_000; i < 30_000; i++) {
            window.acquire();
            zk.getChildren(j("j", i), true, onChildren, null);
        }
        assertTrue(window.tryAcquire(1000, 60, TimeUnit.SECONDS), "every watch set");
        assertEquals(0, failures.get(), "every call answered as expected");
    }

    private static void done(Semaphore window, AtomicInteger failures, boolean ok) {
        if (!ok) {
            failures.incrementAndGet();
        }
        window.release();
    }

    private static void take(BlockingQueue<WatchedEvent> events, int n, List<String> into, long base)
            throws InterruptedException {
        for (int i = 0; i < n; i++) {
            WatchedEvent e = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (e == null) {
                fail("only " + i + " of " + n + " events arrived");
            }
            into.add(e.getType() + " " + e.getPath() + " zxid " + relativeZxid(e.getZxid(), base));
        }
    }

    /** A zxid relative to the scenario's first write ("-1" stays: catch-up events carry no zxid). */
    private static String relativeZxid(long zxid, long base) {
        return zxid == -1 ? "-1" : "+" + (zxid - base);
    }

    private static String s(String prefix, int i) {
        return String.format(Locale.ROOT, "/s/%s%05d", prefix, i);
    }

    private static String j(String prefix, int i) {
        return String.format(Locale.ROOT, "/j/%s%05d", prefix, i);
    }

    private static List<String> paths(String prefix, int from, int to) {
        List<String> p = new ArrayList<>();
        for (int i = from; i < to; i++) {
            p.add(s(prefix, i));
        }
        return p;
    }

    private static List<Record[]> ops(int from, int to, IntFunction<Record[]> op) {
        List<Record[]> ops = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ops.add(op.apply(i));
        }
        return ops;
    }

    private static Record[] create(String path) {
        return new Record[] {new MultiHeader(ZooDefs.OpCode.create, false, -1),
            new CreateRequest(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT.toFlag())};
    }

    private static Record[] setData(String path) {
        return new Record[] {new MultiHeader(ZooDefs.OpCode.setData, false, -1),
            new SetDataRequest(path, new byte[] {1}, -1)};
    }

    private static Record[] delete(String path) {
        return new Record[] {new MultiHeader(ZooDefs.OpCode.delete, false, -1), new DeleteRequest(path, -1)};
    }

    /**
     * Runs {@code ops} in multis of {@link #BATCH}, all sent before any reply is read, xids from {@code firstXid};
     * every multi must succeed. Returns the last one's zxid.
     */
    private static long multis(RawClient c, List<Record[]> ops, int firstXid) throws Exception {
        int xid = firstXid;
        for (int from = 0; from < ops.size(); from += BATCH) {
            List<Record> body = new ArrayList<>();
            for (Record[] op : ops.subList(from, Math.min(ops.size(), from + BATCH))) {
                body.addAll(List.of(op));
            }
            body.add(new MultiHeader(-1, true, -1));
            c.sendRaw(xid++, ZooDefs.OpCode.multi, RawClient.bytes(body.toArray(new Record[0])));
        }
        long zxid = -1;
        for (int x = firstXid; x < xid; x++) {
            RawClient.Frame f = c.reply();
            if (f.xid() != x || f.err() != 0 || f.body().length < 4 || f.body()[3] == -1) {
                fail("multi " + x + " failed: " + c.describe(f));
            }
            zxid = f.zxid();
        }
        return zxid;
    }

    /** The two servers' streams agree line for line; on a difference, says where, not the 50,000 lines. */
    private static void assertSameLines(List<String> zookeeper, List<String> ours) {
        for (int i = 0; i < Math.min(zookeeper.size(), ours.size()); i++) {
            if (!zookeeper.get(i).equals(ours.get(i))) {
                fail("line " + i + " differs: ZooKeeper '" + zookeeper.get(i) + "', ours '" + ours.get(i) + "'");
            }
        }
        assertEquals(zookeeper.size(), ours.size(), "lines");
    }
}
