package dev.keeper.compat.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.persist.ServerProcess;
import dev.keeper.compat.support.RawClient;
import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.jute.Record;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetWatches2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A million watches (scaled by {@code keeper.limits.scale}), each fired once, in order.
 *
 * <p>One session (raw) sets exist watches on 1,000,000 paths under /w that do not exist yet, with setWatches2 in
 * batches of 50,000 (750 KB each, under {@code jute.maxbuffer}); another sets a persistent recursive watch on /w.
 * A third creates the children, 100 to a multi, the multis pipelined. Each watching session must then see
 * exactly 1,000,000 NodeCreated events: the n-th for the n-th child created, with the zxid of the multi that
 * created it — so in zxid order, none twice, none missing — and nothing after them. The one-shot watches are all
 * gone afterwards; the recursive one stays.
 */
class WatchStormTest {
    private static final int WATCHES = Scale.of(1_000_000);
    private static final int SET_WATCHES_BATCH = 50_000;
    private static final int CREATES_PER_MULTI = 100;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * Not scaled: 10,000 connections are half this machine's descriptors already (the test holds one end, the
     * server process the other).
     */
    private static final int FAN_OUT = 10_000;

    @Test
    void aMillionWatches_fireOnceEach_inZxidOrder() throws Exception {
        // Each watching session is sent 43 MB of events (430 MB at scale 10) and reads them as fast as it can; the
        // outbound bound is not what this test is about, so it is out of the way.
        ZkServer server = ZkServer.start(ServerConfig.builder().clientPort(0).maxClientOutboundBytes(1L << 32)
                .build());
        try (RawClient exist = RawClient.connect(server.port());
                RawClient recursive = RawClient.connect(server.port());
                RawClient writer = RawClient.connect(server.port())) {
            exist.handshake(30_000);
            recursive.handshake(30_000);
            writer.handshake(30_000);
            assertEquals(0, writer.call(1, ZooDefs.OpCode.create, new CreateRequest("/w", new byte[0],
                    ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT.toFlag())));

            long start = System.nanoTime();
            for (int from = 0, xid = 1; from < WATCHES; from += SET_WATCHES_BATCH, xid++) {
                List<String> paths = new ArrayList<>(SET_WATCHES_BATCH);
                for (int i = from; i < Math.min(WATCHES, from + SET_WATCHES_BATCH); i++) {
                    paths.add(path(i));
                }
                assertEquals(0, exist.call(xid, ZooDefs.OpCode.setWatches2,
                        new SetWatches2(0, List.of(), paths, List.of(), List.of(), List.of())));
            }
            assertEquals(0, recursive.call(1, ZooDefs.OpCode.addWatch,
                    new AddWatchRequest("/w", AddWatchMode.PERSISTENT_RECURSIVE.getMode())));
            long armedMs = millisSince(start);
            assertEquals(WATCHES + 1L, (long) server.onProcessor(() -> server.watches().watchCount()),
                    "one watch per path, and the recursive one");

            EventReader existEvents = new EventReader(exist, "exist watches");
            EventReader recursiveEvents = new EventReader(recursive, "recursive watch");
            existEvents.start();
            recursiveEvents.start();
            start = System.nanoTime();
            long[] multiZxids = createChildren(writer);
            existEvents.join(TimeUnit.MINUTES.toMillis(4));
            recursiveEvents.join(TimeUnit.MINUTES.toMillis(4));
            long firedMs = millisSince(start);

            System.out.printf(Locale.ROOT, "watch storm: %,d exist watches set in %,d ms (with the recursive one);"
                    + " %,d children created in multis of %d and %,d + %,d events received in %,d ms%n", WATCHES,
                    armedMs, WATCHES, CREATES_PER_MULTI, existEvents.count, recursiveEvents.count, firedMs);
            for (EventReader r : List.of(existEvents, recursiveEvents)) {
                assertEquals(null, r.problem, r.name);
                assertEquals(WATCHES, r.count, r.name + ": events");
                for (int i = 0; i < WATCHES; i++) {
                    if (r.zxids[i] != multiZxids[i / CREATES_PER_MULTI]) {
                        assertEquals(multiZxids[i / CREATES_PER_MULTI], r.zxids[i], r.name + ": event " + i
                                + " carries the zxid of the multi that created " + path(i));
                    }
                }
            }
            assertEquals("nothing more", nothingMore(exist), "exist watches: each fired once");
            assertEquals("nothing more", nothingMore(recursive), "recursive watch: nothing after the creates");
            assertEquals(1L, (long) server.onProcessor(() -> server.watches().watchCount()),
                    "the one-shot watches are gone, the recursive one stays");
        } finally {
            server.close();
        }
    }

    /**
     * 10,000 sessions each set a data watch on the one same node with getData; one setData fires them
     * all: each session gets exactly one NodeDataChanged, with the setData's zxid, and nothing after it. The
     * server runs as its own process: 10,000 connections are 20,000 descriptors when both ends are in one
     * process, this machine's whole {@code ulimit -n}.
     */
    @Test
    void tenThousandSessionsWatchingOneNode_eachGetOneEvent(@TempDir Path dir) throws Exception {
        try (ServerProcess server = ServerProcess.start(dir, dir.resolve("data"), Map.of("maxClientCnxns", "0"),
                "fan-out")) {
            server.awaitServing();
            List<RawClient> sessions = new ArrayList<>(FAN_OUT);
            try {
                long start = System.nanoTime();
                for (int i = 0; i < FAN_OUT; i++) {
                    RawClient c = RawClient.connect(server.port());
                    sessions.add(c);
                    c.sendConnect(30_000, 0, 0, new byte[16], false);
                }
                for (RawClient c : sessions) {
                    c.handshakeReply();
                }
                RawClient writer = sessions.get(0);
                assertEquals(0, writer.call(1, ZooDefs.OpCode.create, new CreateRequest("/fan", new byte[0],
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT.toFlag())));
                for (RawClient c : sessions) {
                    c.send(2, ZooDefs.OpCode.getData, new GetDataRequest("/fan", true));
                }
                for (RawClient c : sessions) {
                    RawClient.Frame f = c.reply();
                    assertTrue(f.xid() == 2 && f.err() == 0, "getData with a watch: " + c.describe(f));
                }
                long armedMs = millisSince(start);
                start = System.nanoTime();
                writer.send(3, ZooDefs.OpCode.setData, new SetDataRequest("/fan", new byte[] {1}, -1));
                long zxid = -1;
                int events = 0;
                for (RawClient c : sessions) {
                    RawClient.Frame f = c.reply();
                    if (c == writer) {
                        // the writer, first in the loop, watches too: its event comes before the reply that
                        // reflects the change
                        RawClient.Frame reply = c.reply();
                        assertTrue(reply.xid() == 3 && reply.err() == 0, "setData: " + c.describe(reply));
                        zxid = reply.zxid();
                    }
                    assertEquals("NodeDataChanged /fan", Events.describe(f), "session 0x" + Long.toHexString(c.sessionId()));
                    assertEquals(zxid, f.zxid(), "the event carries the setData's zxid");
                    events++;
                }
                long firedMs = millisSince(start);
                for (RawClient c : sessions) {
                    assertEquals("nothing more", nothingMore(c), "session 0x" + Long.toHexString(c.sessionId()));
                }
                System.out.printf(Locale.ROOT, "fan-out: %,d sessions connected and watching in %,d ms; one setData"
                        + " to the last of %,d events read in %,d ms%n", FAN_OUT, armedMs, events, firedMs);
            } finally {
                for (RawClient c : sessions) {
                    c.close();
                }
            }
        }
    }

    /** "/w/c0000042": seven digits, so paths sort as they are numbered. */
    private static String path(int i) {
        String digits = Integer.toString(i);
        return "/w/c" + "0000000".substring(Math.min(7, digits.length())) + digits;
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    /**
     * Creates /w/c0000000... in multis, all sent before any reply is read (the server stops reading at its
     * outstanding limit and goes on as replies leave); returns each multi's zxid.
     */
    private static long[] createChildren(RawClient writer) throws Exception {
        int multis = (WATCHES + CREATES_PER_MULTI - 1) / CREATES_PER_MULTI;
        long[] zxids = new long[multis];
        List<String> problems = new ArrayList<>();
        Thread replies = new Thread(() -> {
            try {
                for (int m = 0; m < multis; m++) {
                    RawClient.Next n = writer.next(WAIT);
                    if (!(n instanceof RawClient.Frame f) || f.xid() != 100 + m || f.err() != 0) {
                        problems.add("multi " + m + " answered " + writer.describe(n));
                        return;
                    }
                    zxids[m] = f.zxid();
                }
            } catch (IOException e) {
                problems.add(e.toString());
            }
        }, "multi-replies");
        replies.start();
        MultiHeader done = new MultiHeader(-1, true, -1);
        for (int m = 0; m < multis; m++) {
            List<Record> ops = new ArrayList<>();
            for (int i = m * CREATES_PER_MULTI; i < Math.min(WATCHES, (m + 1) * CREATES_PER_MULTI); i++) {
                ops.add(new MultiHeader(ZooDefs.OpCode.create, false, -1));
                ops.add(new CreateRequest(path(i), new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 0));
            }
            ops.add(done);
            writer.sendRaw(100 + m, ZooDefs.OpCode.multi, RawClient.bytes(ops.toArray(new Record[0])));
        }
        replies.join(TimeUnit.MINUTES.toMillis(4));
        assertEquals(List.of(), problems, "every multi succeeds");
        return zxids;
    }

    /** After its events, the next frame on the connection is the reply to a new request: no event came twice. */
    private static String nothingMore(RawClient c) throws IOException {
        int xid = 999_999;
        c.send(xid, ZooDefs.OpCode.exists, new ExistsRequest("/w", false));
        RawClient.Next n = c.next(WAIT);
        return n instanceof RawClient.Frame f && f.xid() == xid ? "nothing more" : c.describe(n);
    }

    /**
     * Reads {@link #WATCHES} events from one session: the n-th must be NodeCreated for the n-th path; keeps each
     * one's zxid. Stops at the first that is not.
     */
    private static final class EventReader extends Thread {
        private final RawClient c;
        private final String name;
        private final long[] zxids = new long[WATCHES];
        private volatile int count;
        private volatile String problem;

        EventReader(RawClient c, String name) {
            super("events-" + name);
            this.c = c;
            this.name = name;
        }

        @Override
        public void run() {
            try {
                for (int i = 0; i < WATCHES; i++) {
                    RawClient.Next n = c.next(WAIT);
                    if (!(n instanceof RawClient.Frame f) || f.xid() != -1) {
                        problem = "event " + i + ": " + c.describe(n);
                        return;
                    }
                    String event = Events.describe(f);
                    if (!event.equals("NodeCreated " + path(i))) {
                        problem = "event " + i + " is " + event + ", not NodeCreated " + path(i);
                        return;
                    }
                    zxids[i] = f.zxid();
                    count = i + 1;
                }
            } catch (IOException e) {
                problem = "after " + count + " events: " + e;
            }
        }
    }
}
