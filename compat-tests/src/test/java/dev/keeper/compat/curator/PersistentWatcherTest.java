package dev.keeper.compat.curator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keeper.compat.Servers;
import dev.keeper.compat.javaclient.OnBothServers;
import dev.keeper.compat.javaclient.ServerUnderTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Curator's PersistentWatcher ({@code addWatch}, opcode 106). Recursive: every create, update and delete below
 * the root, each reported with the changed node's path, and no NodeChildrenChanged (ZooKeeper's WatchManager
 * skips it for recursive watchers). Non-recursive: data and child events of the one node, and it stays armed.
 */
@OnBothServers
class PersistentWatcherTest {
    private static Servers.Handle server;
    private static CuratorFramework watching;
    private static CuratorFramework writer;

    @BeforeAll
    static void start() throws Exception {
        server = ServerUnderTest.start(Servers.Settings.defaults());
        watching = Curators.connect(server.connectString());
        writer = Curators.connect(server.connectString());
    }

    @AfterAll
    static void stop() {
        Curators.close(watching, writer, server);
    }

    @Test
    void recursive_reportsEveryChangeBelowTheRoot_withTheChangedPath_andNoChildEvents() throws Exception {
        writer.create().forPath("/rec");
        List<String> events = new CopyOnWriteArrayList<>();
        try (PersistentWatcher watcher = new PersistentWatcher(watching, "/rec", true)) {
            watcher.getListenable().addListener(e -> {
                if (e.getType() != EventType.None) {
                    events.add(e.getType() + " " + e.getPath());
                }
            });
            watcher.start();
            Curators.barrier(watching);

            writer.create().forPath("/rec/a");
            writer.create().forPath("/rec/a/b");
            writer.create().forPath("/rec/a/b/c");
            writer.setData().forPath("/rec/a/b", new byte[] {1});
            writer.setData().forPath("/rec", new byte[] {2});
            writer.delete().forPath("/rec/a/b/c");
            writer.delete().forPath("/rec/a/b");
            writer.create().forPath("/rec-sibling");
            writer.create().forPath("/rec/a/b");
            List<String> expected = List.of(
                    "NodeCreated /rec/a",
                    "NodeCreated /rec/a/b",
                    "NodeCreated /rec/a/b/c",
                    "NodeDataChanged /rec/a/b",
                    "NodeDataChanged /rec",
                    "NodeDeleted /rec/a/b/c",
                    "NodeDeleted /rec/a/b",
                    "NodeCreated /rec/a/b");
            Curators.await(() -> events.size() >= expected.size(), "the recursive events");
            Curators.barrier(watching);
            assertEquals(expected, events);
        }
    }

    @Test
    void nonRecursive_reportsDataAndChildEventsOfItsNode_andStaysArmed() throws Exception {
        writer.create().forPath("/flat");
        List<String> events = new CopyOnWriteArrayList<>();
        try (PersistentWatcher watcher = new PersistentWatcher(watching, "/flat", false)) {
            watcher.getListenable().addListener(e -> {
                if (e.getType() != EventType.None) {
                    events.add(e.getType() + " " + e.getPath());
                }
            });
            watcher.start();
            Curators.barrier(watching);

            writer.setData().forPath("/flat", new byte[] {1});
            writer.create().forPath("/flat/x");
            writer.setData().forPath("/flat/x", new byte[] {1});
            writer.create().forPath("/flat/x/y");
            writer.setData().forPath("/flat", new byte[] {2});
            writer.delete().forPath("/flat/x/y");
            writer.delete().forPath("/flat/x");
            writer.delete().forPath("/flat");
            writer.create().forPath("/flat");
            List<String> expected = List.of(
                    "NodeDataChanged /flat",
                    "NodeChildrenChanged /flat",
                    "NodeDataChanged /flat",
                    "NodeChildrenChanged /flat",
                    "NodeDeleted /flat",
                    "NodeCreated /flat");
            Curators.await(() -> events.size() >= expected.size(), "the persistent events");
            Curators.barrier(watching);
            assertEquals(expected, events);
        }
    }
}
