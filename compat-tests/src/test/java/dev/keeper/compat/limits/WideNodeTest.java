package dev.keeper.compat.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.JavaClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ZKConfig;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/**
 * A node with 100,000 children (scaled by {@code keeper.limits.scale}), listed with getChildren and getChildren2
 * by the stock Java client, on the real ZooKeeper 3.9.5 and on ours: the same answers.
 *
 * <p>With names of six characters the list is 1,000,004 bytes and the reply fits the client's
 * {@code jute.maxbuffer} (1 MiB by default). With 5,000 children more it does not: neither server limits what it
 * sends, and the client, reading a frame longer than its limit ("Packet len ... is out of range"), drops the
 * connection, so the call fails with ConnectionLoss. A client whose {@code jute.maxbuffer} is 4 MiB gets the
 * whole list. Children are compared sorted (each server lists them in its own table's order).
 */
class WideNodeTest {
    private static final int CHILDREN = Scale.of(100_000);
    private static final int MORE = 5_000;
    private static final int BATCH = 1000;
    private static final int WINDOW = 8;

    @Test
    void aHundredThousandChildren_areListedAsZooKeeperListsThem() throws Exception {
        List<String> zookeeper;
        try (Servers.Handle zk = Servers.zookeeper()) {
            zookeeper = scenario(zk);
        }
        List<String> ours;
        try (Servers.Handle h = Servers.ours()) {
            ours = scenario(h);
        }
        System.out.println("wide node: " + String.join("; ", ours));
        assertEquals(zookeeper, ours, "ours answers as ZooKeeper does");
    }

    /** Builds the wide node and lists it every way; returns what each listing gave, in words. */
    private static List<String> scenario(Servers.Handle server) throws Exception {
        List<String> seen = new ArrayList<>();
        ZooKeeper zk = JavaClient.connect(server.connectString());
        try {
            zk.create("/wide", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            List<String> expected = createChildren(zk, "c", CHILDREN);
            seen.add("getChildren: " + describe(zk.getChildren("/wide", false), expected));
            Stat stat = new Stat();
            seen.add("getChildren2: " + describe(zk.getChildren("/wide", false, stat), expected)
                    + ", numChildren " + stat.getNumChildren() + ", cversion " + stat.getCversion());
            expected.addAll(createChildren(zk, "d", MORE));
        } finally {
            zk.close();
        }
        seen.add("over 1 MiB, getChildren with a 1 MiB client: " + listWith(server, 0, List.of()));
        seen.add("over 1 MiB, getChildren2 with a 1 MiB client: " + listWith(server, 0, null));
        List<String> all = new ArrayList<>();
        for (int i = 0; i < CHILDREN; i++) {
            all.add(name("c", i));
        }
        for (int i = 0; i < MORE; i++) {
            all.add(name("d", i));
        }
        seen.add("over 1 MiB, getChildren with a 4 MiB client: " + listWith(server, 4 << 20, all));
        System.out.printf(Locale.ROOT, "wide node on %s: %s%n", server.name(), seen);
        return seen;
    }

    /**
     * Lists /wide with a fresh client whose jute.maxbuffer is {@code maxBuffer} (its default when 0):
     * getChildren compared with {@code expected}, or getChildren2 when {@code expected} is null.
     */
    private static String listWith(Servers.Handle server, int maxBuffer, List<String> expected) throws Exception {
        ZKClientConfig config = new ZKClientConfig();
        if (maxBuffer > 0) {
            config.setProperty(ZKConfig.JUTE_MAXBUFFER, Integer.toString(maxBuffer));
        }
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(server.connectString(), 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, config);
        try {
            assertTrue(connected.await(10, TimeUnit.SECONDS), "connected");
            List<String> children = expected == null ? zk.getChildren("/wide", false, new Stat())
                    : zk.getChildren("/wide", false);
            return expected == null ? children.size() + " children" : describe(children, expected);
        } catch (KeeperException e) {
            return e.code().toString();
        } finally {
            zk.close();
        }
    }

    private static String describe(List<String> children, List<String> expected) {
        List<String> sorted = new ArrayList<>(children);
        sorted.sort(null);
        List<String> want = new ArrayList<>(expected);
        want.sort(null);
        return children.size() + " children, " + (sorted.equals(want) ? "every one of them" : "NOT those created");
    }

    private static String name(String prefix, int i) {
        return String.format(Locale.ROOT, "%s%05d", prefix, i);
    }

    /** Creates /wide/{prefix}00000... in multis of {@link #BATCH}, a few in flight; returns their names. */
    private static List<String> createChildren(ZooKeeper zk, String prefix, int n) throws Exception {
        Semaphore window = new Semaphore(WINDOW);
        AtomicInteger failures = new AtomicInteger();
        List<String> names = new ArrayList<>(n);
        for (int from = 0; from < n; from += BATCH) {
            List<Op> ops = new ArrayList<>(BATCH);
            for (int i = from; i < Math.min(n, from + BATCH); i++) {
                String name = name(prefix, i);
                names.add(name);
                ops.add(Op.create("/wide/" + name, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            }
            window.acquire();
            zk.multi(ops, (rc, p, ctx, results) -> {
                if (rc != 0) {
                    failures.incrementAndGet();
                }
                window.release();
            }, null);
        }
        assertTrue(window.tryAcquire(WINDOW, 2, TimeUnit.MINUTES), "every multi answered");
        assertEquals(0, failures.get(), "every multi succeeded");
        return names;
    }
}
