package dev.keeper.compat.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.RawClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that stop reading what the server sends them.
 *
 * <p>ZooKeeper never disconnects a client for not reading: {@code NIOServerCnxn} queues every reply and event in
 * its unbounded {@code outgoingBuffers}, keeps reading the client's requests, and hands the whole backlog over
 * whenever the client reads again. Ours agrees on everything but the bound: a client that leaves more than
 * {@code maxClientOutboundBytes} (64 MiB by default, 1 MiB here) unread is disconnected, with one WARN line, so
 * a stuck client cannot take the server's memory. The two differ there, so the tests assert each one's
 * behaviour; where they agree (the other sessions carry on untouched) they assert both. A reader that is slow
 * but alive is {@link SlowReaderTest}'s.
 */
class NonReadingClientTest {
    private static final long BOUND = 1 << 20;
    private static final Pattern BACKLOG = Pattern.compile("(\\d+) bytes of replies and events left unread");
    /** Keeps the kernel from buffering much on the client's side, so the backlog builds up in the server. */
    private static final int SMALL_RECEIVE_BUFFER = 8192;
    private static final Duration WAIT = Duration.ofSeconds(3);
    private static ServerPair servers;

    @BeforeAll
    static void start() {
        Servers.Settings s = Servers.Settings.defaults();
        servers = ServerPair.start(s, Servers.oursConfig(s).maxClientOutboundBytes(BOUND));
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    @Test
    void clientPipeliningLargeReads_withoutReading_isQueuedByZooKeeper_andDisconnectedByOurs() throws Exception {
        int requests = 32;
        ServerPair.Script script = (c, b) -> {
            String path = "/big-unread";
            b.client().create(path, new byte[1_000_000], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            c.handshake(30_000);
            // All 32 requests leave in one write: ours may close the connection while answering them, and a
            // later write of ours into a closed connection would fail the script rather than show the close.
            byte[][] gets = new byte[requests][];
            for (int xid = 1; xid <= requests; xid++) {
                gets[xid - 1] = RawClient.request(xid, ZooDefs.OpCode.getData, new GetDataRequest(path, false));
            }
            c.writeRaw(RawClient.frames(gets));
            // The other session carries on while 32 MB of replies wait for a reader.
            b.assertUnharmed();
            Thread.sleep(1000);
            List<String> seen = readAll(c, requests);
            b.client().delete(path, -1);
            return seen;
        };
        assertEquals(List.of("32 of 32 frames, then silent", "alive"),
                ServerPair.run(servers.zookeeper, script, SMALL_RECEIVE_BUFFER).seen(), "ZooKeeper's behaviour");
        ServerPair.Run ours = ServerPair.run(servers.ours, script, SMALL_RECEIVE_BUFFER);
        assertDisconnected(ours, requests);
    }

    @Test
    void clientFloodedWithWatchEvents_withoutReading_isQueuedByZooKeeper_andDisconnectedByOurs() throws Exception {
        int multis = 20;
        int opsPerMulti = 10;
        ServerPair.Script script = (c, b) -> {
            // Events carry the changed node's path: a 60 000-character one makes each event about 60 kB.
            String root = "/flood";
            String node = root + "/" + "x".repeat(60_000);
            b.client().create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            b.client().create(node, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            c.handshake(30_000);
            c.send(1, ZooDefs.OpCode.addWatch,
                    new AddWatchRequest(root, AddWatchMode.PERSISTENT_RECURSIVE.getMode()));
            assertTrue(c.see(WAIT).startsWith("reply xid=1 "), "the watch is set");
            // From here on the raw client reads nothing while the bystander changes the node 200 times.
            for (int i = 0; i < multis; i++) {
                List<Op> ops = new ArrayList<>();
                for (int j = 0; j < opsPerMulti; j++) {
                    ops.add(Op.setData(node, new byte[] {(byte) j}, -1));
                }
                b.client().multi(ops);
            }
            Thread.sleep(1000);
            List<String> seen = readAll(c, multis * opsPerMulti);
            b.client().delete(node, -1);
            b.client().delete(root, -1);
            return seen;
        };
        assertEquals(List.of("200 of 200 frames, then silent", "alive"),
                ServerPair.run(servers.zookeeper, script, SMALL_RECEIVE_BUFFER).seen(), "ZooKeeper's behaviour");
        ServerPair.Run ours = ServerPair.run(servers.ours, script, SMALL_RECEIVE_BUFFER);
        assertDisconnected(ours, multis * opsPerMulti);
    }

    /** Reads every frame the server holds for us: how many, and whether it then went silent or closed. */
    private static List<String> readAll(RawClient c, int expected) throws Exception {
        int frames = 0;
        RawClient.Next n;
        while ((n = c.next(WAIT)) instanceof RawClient.Frame) {
            frames++;
        }
        List<String> seen = new ArrayList<>();
        seen.add(frames + " of " + expected + " frames, then " + c.describe(n));
        if (n instanceof RawClient.Silent) {
            seen.add(c.alive());
        }
        return seen;
    }

    /** Ours: fewer frames than sent, then the close; and one WARN saying why. */
    private static void assertDisconnected(ServerPair.Run ours, int sent) throws InterruptedException {
        assertEquals(1, ours.seen().size(), "ours: " + ours.seen());
        String seen = ours.seen().get(0);
        assertTrue(seen.endsWith(", then closed"), "ours closes the connection: " + seen);
        int frames = Integer.parseInt(seen.substring(0, seen.indexOf(' ')));
        assertTrue(frames < sent, "ours delivered " + frames + " of " + sent + " before the close");
        servers.log.assertOneLine(ours.clientPort(), ours.sessionId(), "left unread");
        long backlog = servers.log.about(ours.clientPort(), ours.sessionId()).stream()
                .map(e -> BACKLOG.matcher(e.getFormattedMessage()))
                .filter(Matcher::find)
                .mapToLong(m -> Long.parseLong(m.group(1)))
                .findFirst().orElseThrow();
        // The bound is on memory: what waits unread when ours gives up is the bound plus at most what one write
        // hands over (1 MiB of encoded messages, and the one message that crossed it: up to jute.maxbuffer).
        assertTrue(backlog <= BOUND + (1 << 20) + 0xfffff + 64, "backlog at the close: " + backlog);
    }
}
