package dev.keeper.compat.javaclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.FourLetterWord;
import dev.keeper.compat.support.RawClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Closing a session removes every watch it held, persistent and persistent-recursive ones included (ZooKeeper
 * removes the connection's watcher from its watch managers when the session's connection closes); so does
 * expiry, which closes the connection the session still had. Nothing is
 * left to deliver to once the session is gone, so the server's own account is what a client can see: the
 * {@code wchc} and {@code wchp} four-letter words (which, in ZooKeeper, list the data-watch table: data, exist,
 * persistent and persistent-recursive watches).
 */
@OnBothServers
class CloseSessionWatchesTest {
    private static final Servers.Settings SETTINGS = new Servers.Settings(100, 200, 20_000, 60);
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
    void closeSession_dropsEveryWatchOfTheSession_persistentOnesIncluded() throws Exception {
        ZooKeeper other = Clients.connect(server.connectString());
        try {
            for (String p : new String[] {"/cw", "/cw/d", "/cw/c", "/cw/p", "/cw/r"}) {
                other.create(p, NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            other.getData("/cw/d", true, null);

            ZooKeeper closing = Clients.connect(server.connectString());
            String closingId = "0x" + Long.toHexString(closing.getSessionId());
            String otherId = "0x" + Long.toHexString(other.getSessionId());
            closing.getData("/cw/d", true, null);
            closing.getChildren("/cw/c", true);
            closing.exists("/cw/missing", true);
            closing.addWatch("/cw/p", AddWatchMode.PERSISTENT);
            closing.addWatch("/cw/r", AddWatchMode.PERSISTENT_RECURSIVE);

            Map<String, Set<String>> before = watchesBySession(server.port());
            assertTrue(before.getOrDefault(closingId, Set.of())
                            .containsAll(Set.of("/cw/d", "/cw/missing", "/cw/p", "/cw/r")),
                    "the session's watches before close: " + before);
            assertEquals(Set.of("/cw/d"), before.get(otherId), "the other session's watches: " + before);

            closing.close();
            Map<String, Set<String>> after = awaitSessionGone(closingId);
            assertEquals(Set.of("/cw/d"), after.get(otherId), "the other session keeps its watch: " + after);
            assertEquals(Set.of(otherId), after.keySet(), "no watch is left for the closed session: " + after);

            String byPath = FourLetterWord.ask(server.port(), "wchp");
            assertFalse(byPath.contains("/cw/p"), "persistent watch left behind: " + byPath);
            assertFalse(byPath.contains("/cw/r"), "persistent-recursive watch left behind: " + byPath);
            assertFalse(byPath.contains("/cw/missing"), "exist watch left behind: " + byPath);
        } finally {
            other.close();
        }
    }

    @Test
    void expiry_dropsTheWatchesOfASessionWhoseConnectionIsStillOpen() throws Exception {
        ZooKeeper other = Clients.connect(server.connectString());
        try {
            for (String p : new String[] {"/xw", "/xw/p", "/xw/r"}) {
                other.create(p, NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
        } finally {
            other.close();
        }
        // A session that holds its connection open but never pings, as a hung client would.
        try (RawClient silent = RawClient.connect(server.port())) {
            String id = "0x" + Long.toHexString(silent.handshake(1_500));
            assertEquals(0, silent.call(1, OpCode.addWatch,
                    new AddWatchRequest("/xw/p", AddWatchMode.PERSISTENT.getMode())));
            assertEquals(0, silent.call(2, OpCode.addWatch,
                    new AddWatchRequest("/xw/r", AddWatchMode.PERSISTENT_RECURSIVE.getMode())));
            assertEquals(KeeperException.Code.NONODE.intValue(),
                    silent.call(3, OpCode.exists, new ExistsRequest("/xw/missing", true)));
            assertEquals(Set.of("/xw/p", "/xw/r", "/xw/missing"), watchesBySession(server.port()).get(id));

            assertTrue(silent.awaitClosedByServer((int) Clients.WAIT.toMillis()),
                    "the server closes the connection of the session it expired");
            awaitSessionGone(id);
            String byPath = FourLetterWord.ask(server.port(), "wchp");
            assertFalse(byPath.contains("/xw/"), "watches left behind by the expired session: " + byPath);
        }
    }

    private static Map<String, Set<String>> awaitSessionGone(String sessionId) throws Exception {
        long deadline = System.nanoTime() + Clients.WAIT.toNanos();
        while (true) {
            Map<String, Set<String>> watches = watchesBySession(server.port());
            if (!watches.containsKey(sessionId)) {
                return watches;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("closed session " + sessionId + " still holds watches: " + watches);
            }
            Thread.sleep(20);
        }
    }

    /** Parses {@code wchc}: a line per session ("0x..."), then a tab-indented line per watched path. */
    private static Map<String, Set<String>> watchesBySession(int port) throws Exception {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        String current = null;
        for (String line : FourLetterWord.ask(port, "wchc").split("\n")) {
            if (line.startsWith("0x")) {
                current = line.trim();
                out.put(current, new TreeSet<>());
            } else if (line.startsWith("\t") && current != null) {
                out.get(current).add(line.trim());
            }
        }
        return out;
    }
}
