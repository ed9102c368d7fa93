package dev.keeper.compat.javaclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.LoopbackProxy;
import dev.keeper.compat.support.RawClient;
import java.util.List;
import java.util.Optional;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.ConnectResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the server decides in the handshake ({@code ZooKeeperServer.processConnectRequest}): the session timeout
 * is clamped into [minSessionTimeout, maxSessionTimeout], and a client that has seen a zxid the server has not
 * reached is refused (connection closed, no ConnectResponse), so it cannot read the past on a server behind it.
 */
@OnBothServers
class SessionNegotiationTest {
    private static final int MIN = 300;
    private static final int MAX = 20_000;
    private static final Servers.Settings SETTINGS = new Servers.Settings(100, MIN, MAX, 60);
    private static final byte[] NO_DATA = new byte[0];

    private static Servers.Handle server;

    @BeforeAll
    static void start() {
        server = ServerUnderTest.start(SETTINGS);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sessionTimeout_isClampedIntoMinAndMax() throws Exception {
        for (int[] askedAndGot : new int[][] {{100, MIN}, {MIN - 1, MIN}, {MIN, MIN}, {4_321, 4_321}, {MAX, MAX},
                {MAX + 1, MAX}, {600_000, MAX}}) {
            ZooKeeper zk = Clients.connect(server.connectString(), askedAndGot[0], new EventLog());
            try {
                assertEquals(askedAndGot[1], zk.getSessionTimeout(), "asked for " + askedAndGot[0]);
            } finally {
                zk.close();
            }
        }
        // The stock client cannot ask for less than it needs to connect (it also uses the timeout as its connect
        // timeout), so the lowest requests go by hand.
        for (int asked : new int[] {0, 1}) {
            Optional<ConnectResponse> answer = RawClient.handshakeOnce(server.port(), 0, asked);
            assertTrue(answer.isPresent(), "asked for " + asked);
            assertEquals(MIN, answer.get().getTimeOut(), "asked for " + asked);
        }
    }

    @Test
    void stockClientThatSawALaterZxid_isRefusedByAServerBehind_andResumesOnTheServerItCameFrom() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy(server.port());
                Servers.Handle behind = ServerUnderTest.start(SETTINGS)) {
            EventLog log = new EventLog();
            ZooKeeper zk = Clients.connect(proxy.connectString(), 15_000, log);
            try {
                long session = zk.getSessionId();
                zk.create("/ahead", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                for (int i = 0; i < 20; i++) {
                    zk.create("/ahead/n", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
                }

                int mark = log.mark();
                proxy.retarget(behind.port());
                proxy.cut();
                proxy.restore();
                log.awaitState(mark, KeeperState.Disconnected, Clients.WAIT);

                List<LoopbackProxy.Link> refused = awaitLinksClosedByServer(proxy, behind.port(), 2);
                for (LoopbackProxy.Link l : refused) {
                    assertEquals(0, l.firstBytesFromServer().length,
                            "the server behind closes the connection without a ConnectResponse");
                }
                assertTrue(log.since(mark).stream().noneMatch(e -> e.getType() == EventType.None
                                && (e.getState() == KeeperState.SyncConnected || e.getState() == KeeperState.Expired)),
                        "the client was neither connected nor told Expired by the server behind: " + log.since(mark));
                assertEquals(ZooKeeper.States.CONNECTING, zk.getState());

                proxy.retarget(server.port());
                Clients.awaitConnected(zk, log, mark);
                assertEquals(session, zk.getSessionId(), "back on its own server, the session is intact");
                assertEquals(20, zk.getChildren("/ahead", false).size());
            } finally {
                zk.close();
            }
        }
    }

    @Test
    void handshakeAheadOfTheServersZxid_isClosedWithoutReply_whileOneAtItsZxidIsAnswered() throws Exception {
        long zxid;
        ZooKeeper zk = Clients.connect(server.connectString());
        try {
            zk.create("/raw", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zxid = zk.exists("/raw", false).getMzxid();
        } finally {
            zk.close();
        }
        assertEquals(Optional.empty(), RawClient.handshakeOnce(server.port(), zxid + 1_000, MIN).map(r -> "answered"),
                "a client that saw zxid " + (zxid + 1_000) + " is refused");

        Optional<ConnectResponse> answered = RawClient.handshakeOnce(server.port(), zxid, MIN);
        assertTrue(answered.isPresent(), "a client that saw the server's own zxid gets a session");
        assertEquals(MIN, answered.get().getTimeOut());
        assertNotEquals(0L, answered.get().getSessionId());
    }

    private static List<LoopbackProxy.Link> awaitLinksClosedByServer(LoopbackProxy proxy, int port, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + Clients.WAIT.toNanos();
        while (true) {
            List<LoopbackProxy.Link> closed = proxy.links().stream()
                    .filter(l -> l.targetPort == port && l.closedByServer())
                    .toList();
            if (closed.size() >= count) {
                return closed;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " connections to port " + port
                        + " closed by the server, got " + closed.size() + " of " + proxy.links().size());
            }
            Thread.sleep(20);
        }
    }
}
