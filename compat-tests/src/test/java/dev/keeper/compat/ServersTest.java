package dev.keeper.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.FourLetterWord;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/** Both servers the compatibility suites use start on loopback and serve a stock client. */
class ServersTest {
    @Test
    void bothServersServeAStockClientOnLoopback() throws Exception {
        for (Servers.Handle h : new Servers.Handle[] {Servers.ours(), Servers.zookeeper()}) {
            try (h) {
                assertTrue(h.connectString().startsWith("127.0.0.1:"), h.name());
                CountDownLatch connected = new CountDownLatch(1);
                ZooKeeper zk = new ZooKeeper(h.connectString(), 10_000, e -> {
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                });
                try {
                    assertTrue(connected.await(10, TimeUnit.SECONDS), h.name() + " connects");
                    assertEquals("/n", zk.create("/n", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT));
                } finally {
                    zk.close();
                }
                assertTrue(FourLetterWord.ask(h.port(), "srvr").contains("Mode: standalone"), h.name() + " srvr");
            }
        }
    }
}
