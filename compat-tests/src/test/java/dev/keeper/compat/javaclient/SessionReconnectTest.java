package dev.keeper.compat.javaclient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.LoopbackProxy;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A live session outlives its connection: a client that reconnects with the session's id and password gets the
 * same session back (ZooKeeper's {@code reopenSession}), ephemerals and all; a second connection presenting them
 * takes the session over and the server drops the first one.
 */
@OnBothServers
class SessionReconnectTest {
    private static final Servers.Settings SETTINGS = new Servers.Settings(100, 200, 20_000, 60);
    private static final byte[] NO_DATA = new byte[0];

    private static Servers.Handle server;
    private static ZooKeeper observer;

    @BeforeAll
    static void start() throws Exception {
        server = ServerUnderTest.start(SETTINGS);
        observer = Clients.connect(server.connectString());
    }

    @AfterAll
    static void stop() {
        Clients.closeQuietly(observer);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void closedSocket_reconnectsIntoTheSameSession_withItsEphemerals() throws Exception {
        observer.create("/reconnect", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        EventLog log = new EventLog();
        ZooKeeper zk = Clients.connect(server.connectString(), 10_000, log);
        try {
            long id = zk.getSessionId();
            byte[] passwd = zk.getSessionPasswd();
            String eph = zk.create("/reconnect/eph", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

            int mark = log.mark();
            Clients.dropConnection(zk);
            log.awaitState(mark, KeeperState.Disconnected, Clients.WAIT);
            Clients.awaitConnected(zk, log, mark);

            assertEquals(id, zk.getSessionId(), "the server handed back the same session");
            assertArrayEquals(passwd, zk.getSessionPasswd());
            Stat stat = observer.exists(eph, false);
            assertNotNull(stat, "the ephemeral survived the reconnect");
            assertEquals(id, stat.getEphemeralOwner());
            assertEquals(List.of(eph), zk.getEphemerals("/reconnect"));
            // The session still owns what it creates, and deleting its own ephemeral works.
            String second = zk.create("/reconnect/eph2", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            assertEquals(id, observer.exists(second, false).getEphemeralOwner());
            zk.delete(eph, -1);
        } finally {
            zk.close();
        }
        assertEquals(List.of(), observer.getChildren("/reconnect", false), "close() removed the ephemerals");
    }

    @Test
    void secondClientWithTheSessionsIdAndPassword_takesItOver_andTheFirstConnectionIsDropped() throws Exception {
        observer.create("/takeover", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        try (LoopbackProxy proxy = new LoopbackProxy(server.port())) {
            // One connection only: once the server drops the first client, it cannot reconnect and take the
            // session back, which would make the test a race between the two.
            proxy.admitOnly(1);
            EventLog firstLog = new EventLog();
            ZooKeeper first = Clients.connect(proxy.connectString(), 10_000, firstLog);
            ZooKeeper second = null;
            try {
                long id = first.getSessionId();
                String eph = first.create("/takeover/eph", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

                int mark = firstLog.mark();
                EventLog secondLog = new EventLog();
                second = new ZooKeeper(server.connectString(), 10_000, secondLog, id, first.getSessionPasswd());
                Clients.awaitConnected(second, secondLog, 0);

                assertEquals(id, second.getSessionId(), "the second client joined the existing session");
                firstLog.awaitState(mark, KeeperState.Disconnected, Clients.WAIT);
                LoopbackProxy.Link firstLink = proxy.links().get(0);
                assertTrue(firstLink.closedByServer(), "the server closed the first client's connection");

                assertEquals(List.of(eph), second.getEphemerals("/takeover"));
                assertEquals(id, observer.exists(eph, false).getEphemeralOwner());
                String mine = second.create("/takeover/eph2", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                assertEquals(id, observer.exists(mine, false).getEphemeralOwner());
            } finally {
                Clients.closeQuietly(second);
                Clients.closeQuietly(first);
            }
        }
        assertEquals(List.of(), observer.getChildren("/takeover", false), "closing the session removed both");
    }
}
