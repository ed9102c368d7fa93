package dev.keeper.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void createGetWatch() throws Exception {
        try (ZkServer server = ZkServer.start(ServerConfig.builder().build())) {
            CountDownLatch connected = new CountDownLatch(1);
            LinkedBlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.port(), 10000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected && e.getType() == Watcher.Event.EventType.None) {
                    connected.countDown();
                } else {
                    events.add(e);
                }
            });
            connected.await(10, TimeUnit.SECONDS);
            zk.create("/a", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            Stat st = new Stat();
            byte[] d = zk.getData("/a", true, st);
            assertEquals("x", new String(d));
            zk.setData("/a", "y".getBytes(), -1);
            WatchedEvent ev = events.poll(5, TimeUnit.SECONDS);
            System.out.println("EVENT " + ev + " stat " + st);
            assertEquals(Watcher.Event.EventType.NodeDataChanged, ev.getType());
            System.out.println(zk.getChildren("/", false));
            zk.close();
        }
    }
}
