package dev.keeper.compat.javaclient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.LoopbackProxy;
import dev.keeper.compat.support.RawClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.ConnectResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How a session ends, seen by a stock client: on close() and on expiry its ephemerals go (ZooKeeper's
 * {@code killSession} deletes them in the closeSession txn), the expired client is told {@code Expired}, and
 * nobody can come back into an expired session.
 */
@OnBothServers
class SessionLifecycleTest {
    /** A short tick so expiry tests wait hundreds of milliseconds, not tens of seconds. */
    private static final Servers.Settings SETTINGS = new Servers.Settings(100, 200, 20_000, 60);
    private static final byte[] NO_DATA = new byte[0];

    private static Servers.Handle server;
    private static ZooKeeper observer;
    private static EventLog observerLog;

    @BeforeAll
    static void start() throws Exception {
        server = ServerUnderTest.start(SETTINGS);
        observerLog = new EventLog();
        observer = Clients.connect(server.connectString(), 10_000, observerLog);
    }

    @AfterAll
    static void stop() {
        Clients.closeQuietly(observer);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void close_deletesTheSessionsEphemerals_andKeepsItsPersistentNodes() throws Exception {
        observer.create("/close", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ZooKeeper owner = Clients.connect(server.connectString());
        String eph = owner.create("/close/eph", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        String seq = owner.create("/close/seq-", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
        owner.create("/close/kept", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertEquals(owner.getSessionId(), observer.exists(eph, false).getEphemeralOwner());

        int mark = observerLog.mark();
        assertNotNull(observer.exists(eph, true));
        assertNotNull(observer.exists(seq, true));
        observer.getChildren("/close", true);
        owner.close();

        observerLog.awaitEvent(mark, EventType.NodeDeleted, eph, Clients.WAIT);
        observerLog.awaitEvent(mark, EventType.NodeDeleted, seq, Clients.WAIT);
        observerLog.awaitEvent(mark, EventType.NodeChildrenChanged, "/close", Clients.WAIT);
        assertEquals(List.of("kept"), observer.getChildren("/close", false));
        assertEquals(0, observer.getEphemerals("/close").size());
    }

    @Test
    void expiry_deletesEphemerals_andTheReturningClientIsToldExpired() throws Exception {
        observer.create("/expiry", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        // The 3.9 client gives up on its own after 4/3 of the negotiated timeout without hearing from the server
        // (ClientCnxn's expirationTimeout); the server expires it after one timeout. The client must get back to
        // the server between the two, so the timeout is long enough to leave seconds of room.
        int timeout = 6_000;
        try (LoopbackProxy proxy = new LoopbackProxy(server.port())) {
            EventLog log = new EventLog();
            ZooKeeper owner = Clients.connect(proxy.connectString(), timeout, log);
            try {
                assertEquals(timeout, owner.getSessionTimeout());
                String eph = owner.create("/expiry/eph", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                int observed = observerLog.mark();
                assertNotNull(observer.exists(eph, true));

                int mark = log.mark();
                proxy.cut();
                log.awaitState(mark, KeeperState.Disconnected, Clients.WAIT);
                observerLog.awaitEvent(observed, EventType.NodeDeleted, eph, Duration.ofMillis(timeout * 2L));
                assertNull(observer.exists(eph, false));

                int linksBefore = proxy.links().size();
                proxy.restore();
                log.awaitState(mark, KeeperState.Expired, Clients.WAIT);
                assertFalse(owner.getState().isAlive(), "an expired client is closed: " + owner.getState());
                assertThrows(KeeperException.SessionExpiredException.class, () -> owner.exists("/", false));

                // The Expired came from the server, not from the client's own timer: it reconnected and was
                // answered with a ConnectResponse whose timeout is 0.
                List<LoopbackProxy.Link> links = proxy.links();
                assertTrue(links.size() > linksBefore, "the expired client reconnected through the proxy");
                Optional<ConnectResponse> answer =
                        RawClient.parseConnectResponse(links.get(links.size() - 1).firstBytesFromServer());
                assertTrue(answer.isPresent(), "the server answered the returning client");
                assertEquals(0, answer.get().getTimeOut(), "a timeout of 0 tells the client its session expired");
            } finally {
                Clients.closeQuietly(owner);
            }
        }
    }

    @Test
    void newClientWithTheExpiredSessionsIdAndPassword_isToldExpired() throws Exception {
        observer.create("/expired-id", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ZooKeeper owner = Clients.connect(server.connectString(), 1_000, new EventLog());
        long id = owner.getSessionId();
        byte[] passwd = owner.getSessionPasswd();
        String eph = owner.create("/expired-id/eph", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        int observed = observerLog.mark();
        assertNotNull(observer.exists(eph, true));

        // Stop the client without a closeSession: its socket closes and the server is left to expire the session.
        owner.getTestable().injectSessionExpiration();
        observerLog.awaitEvent(observed, EventType.NodeDeleted, eph, Clients.WAIT);

        EventLog log = new EventLog();
        ZooKeeper returning = new ZooKeeper(server.connectString(), 1_000, log, id, passwd);
        try {
            log.awaitState(0, KeeperState.Expired, Clients.WAIT);
            assertFalse(returning.getState().isAlive(), "state after Expired: " + returning.getState());
            assertNull(observer.exists(eph, false));
        } finally {
            Clients.closeQuietly(returning);
            Clients.closeQuietly(owner);
        }
    }

    @Test
    void idleClient_keepsItsSessionAlivePastManyTimeouts_byPinging() throws Exception {
        observer.create("/idle", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        EventLog log = new EventLog();
        ZooKeeper idle = Clients.connect(server.connectString(), 2_000, log);
        try {
            long id = idle.getSessionId();
            String eph = idle.create("/idle/eph", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            // Only pings cross the connection for several session timeouts; each must renew the session.
            Thread.sleep(6_000);
            assertTrue(log.since(0).stream().noneMatch(e -> e.getState() == KeeperState.Expired), log.all().toString());
            assertEquals(id, observer.exists(eph, false).getEphemeralOwner(), "the idle session still owns it");
            assertEquals(id, idle.getSessionId());
            Clients.retryingConnectionLoss(() -> idle.exists(eph, false));
        } finally {
            idle.close();
        }
    }

    @Test
    void liveSessionIdWithAWrongPassword_isToldExpired_andTheSessionLivesOn() throws Exception {
        observer.create("/wrong-pw", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ZooKeeper owner = Clients.connect(server.connectString());
        try {
            String eph = owner.create("/wrong-pw/eph", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            byte[] wrong = owner.getSessionPasswd().clone();
            wrong[0] ^= 0x5a;
            assertFalse(Arrays.equals(wrong, owner.getSessionPasswd()));

            EventLog log = new EventLog();
            ZooKeeper intruder = new ZooKeeper(server.connectString(), 10_000, log, owner.getSessionId(), wrong);
            try {
                log.awaitState(0, KeeperState.Expired, Clients.WAIT);
            } finally {
                Clients.closeQuietly(intruder);
            }
            // ZooKeeper drops the owner's connection before it checks the password (processConnectRequest closes
            // the session's connections first), so the owner may be reconnecting here.
            Stat stat = Clients.retryingConnectionLoss(() -> owner.exists(eph, false));
            assertNotNull(stat, "the real owner still has its ephemeral");
            assertEquals(owner.getSessionId(), stat.getEphemeralOwner());
            Clients.retryingConnectionLoss(() -> owner.setData(eph, new byte[] {1}, -1));
            assertArrayEquals(new byte[] {1}, observer.getData(eph, false, null));
        } finally {
            owner.close();
        }
    }
}
