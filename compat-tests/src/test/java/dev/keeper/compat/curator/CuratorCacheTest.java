package dev.keeper.compat.curator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.LoopbackProxy;
import dev.keeper.compat.javaclient.OnBothServers;
import dev.keeper.compat.javaclient.ServerUnderTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CuratorCache keeps a copy of a subtree from one persistent recursive watch: it trusts each event's path to be
 * the node that changed (ZOOKEEPER-4475), re-reads that node, and never expects NodeChildrenChanged. A server that
 * reports the watch root's path, or drops deep events, leaves the cache silently wrong, so the test compares the
 * cache with the tree itself (path, data and version of every node) after each round of changes.
 */
@OnBothServers
class CuratorCacheTest {
    private static Servers.Handle server;
    private static CuratorFramework reader;
    private static CuratorFramework writer;

    @BeforeAll
    static void start() throws Exception {
        server = ServerUnderTest.start(Servers.Settings.defaults());
        reader = Curators.connect(server.connectString());
        writer = Curators.connect(server.connectString());
    }

    @AfterAll
    static void stop() {
        Curators.close(reader, writer, server);
    }

    @Test
    void cacheMirrorsTheTree_throughCreatesUpdatesAndDeletesAtSeveralDepths() throws Exception {
        writer.create().forPath("/cache", bytes("root"));
        writer.create().creatingParentsIfNeeded().forPath("/cache/a/b/c", bytes("c0"));
        List<String> created = new CopyOnWriteArrayList<>();
        CuratorCache cache = CuratorCache.build(reader, "/cache");
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreates(node -> created.add(node.getPath()))
                .build());
        try {
            cache.start();
            awaitMirror(cache, "/cache", "the initial load");

            writer.create().forPath("/cache/x", bytes("x0"));
            writer.create().creatingParentsIfNeeded().forPath("/cache/a/b/c/d/e", bytes("e0"));
            writer.create().forPath("/cache/a/sibling", bytes("s0"));
            awaitMirror(cache, "/cache", "creates at depths 1 to 5");
            // CuratorCache stores a node, then calls its listeners: the mirror can be complete a moment before the
            // last listener call, so the listener's record is awaited, not read at once.
            awaitListed(created, "/cache/a/b/c/d/e", "the deepest create reached the listener");
            awaitListed(created, "/cache/a/b/c/d", "the intermediate create reached the listener");

            writer.setData().forPath("/cache", bytes("root1"));
            writer.setData().forPath("/cache/a", bytes("a1"));
            writer.setData().forPath("/cache/a/b/c", bytes("c1"));
            writer.setData().forPath("/cache/a/b/c/d/e", bytes("e1"));
            writer.setData().forPath("/cache/a/b/c/d/e", bytes("e2"));
            awaitMirror(cache, "/cache", "updates at depths 0 to 5");

            writer.delete().forPath("/cache/a/b/c/d/e");
            writer.delete().forPath("/cache/x");
            awaitMirror(cache, "/cache", "leaf deletes");

            writer.delete().deletingChildrenIfNeeded().forPath("/cache/a/b");
            writer.create().forPath("/cache/a/b", bytes("b-again"));
            writer.create().forPath("/cache/a/b/new", bytes("n0"));
            awaitMirror(cache, "/cache", "a subtree deleted and rebuilt");
            assertEquals("b-again", new String(cache.get("/cache/a/b").orElseThrow().getData(),
                    StandardCharsets.UTF_8));
        } finally {
            cache.close();
        }
    }

    @Test
    void cacheCatchesUp_afterAConnectionDrop_withChangesMadeWhileItWasAway() throws Exception {
        writer.create().creatingParentsIfNeeded().forPath("/away-cache/a/b", bytes("b0"));
        writer.create().forPath("/away-cache/gone", bytes("g0"));
        try (LoopbackProxy proxy = new LoopbackProxy(server.port())) {
            CuratorFramework viaProxy = Curators.connect(proxy.connectString());
            CountDownLatch lost = new CountDownLatch(1);
            CountDownLatch back = new CountDownLatch(1);
            viaProxy.getConnectionStateListenable().addListener((c, state) -> {
                if (state == ConnectionState.SUSPENDED) {
                    lost.countDown();
                } else if (state == ConnectionState.RECONNECTED) {
                    back.countDown();
                }
            });
            CuratorCache cache = CuratorCache.build(viaProxy, "/away-cache");
            try {
                cache.start();
                awaitMirror(cache, "/away-cache", "the initial load");

                proxy.cut();
                assertTrue(lost.await(Curators.WAIT.toMillis(), TimeUnit.MILLISECONDS), "Curator saw the drop");
                // Persistent watches get no catch-up events on reconnect (DataTree.setWatches re-arms them
                // only), so Curator rebuilds the cache when it reconnects; the server must answer it correctly.
                writer.create().creatingParentsIfNeeded().forPath("/away-cache/a/b/c/d", bytes("d0"));
                writer.setData().forPath("/away-cache/a/b", bytes("b1"));
                writer.delete().forPath("/away-cache/gone");
                writer.create().forPath("/away-cache/new", bytes("n0"));
                proxy.restore();
                assertTrue(back.await(Curators.WAIT.toMillis(), TimeUnit.MILLISECONDS), "Curator reconnected");
                awaitMirror(cache, "/away-cache", "the reconnect");

                // and the re-armed recursive watch keeps it current afterwards
                writer.setData().forPath("/away-cache/a/b/c/d", bytes("d1"));
                writer.delete().forPath("/away-cache/new");
                awaitMirror(cache, "/away-cache", "changes after the reconnect");
            } finally {
                cache.close();
                viaProxy.close();
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** path -> "data@version", read from the server with a separate client. */
    private static Map<String, String> tree(String path) throws Exception {
        Map<String, String> out = new TreeMap<>();
        Stat stat = new Stat();
        byte[] data = writer.getData().storingStatIn(stat).forPath(path);
        out.put(path, describe(data, stat));
        for (String child : writer.getChildren().forPath(path)) {
            out.putAll(tree(path + "/" + child));
        }
        return out;
    }

    private static Map<String, String> view(CuratorCache cache) {
        Map<String, String> out = new TreeMap<>();
        cache.stream().forEach((ChildData d) -> out.put(d.getPath(), describe(d.getData(), d.getStat())));
        return out;
    }

    private static String describe(byte[] data, Stat stat) {
        return new String(data == null ? new byte[0] : data, StandardCharsets.UTF_8) + "@" + stat.getVersion()
                + "/m" + stat.getMzxid();
    }

    private static void awaitListed(List<String> seen, String path, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!seen.contains(path) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(seen.contains(path), what + ": " + seen);
    }

    private static void awaitMirror(CuratorCache cache, String root, String after) throws Exception {
        Map<String, String> expected = tree(root);
        long deadline = System.nanoTime() + Curators.WAIT.toNanos();
        while (!expected.equals(view(cache))) {
            if (System.nanoTime() > deadline) {
                assertEquals(expected, view(cache), "the cache after " + after);
            }
            Thread.sleep(20);
        }
    }
}
