package dev.keeper.compat.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.RawClient;
import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.testing.LogCapture;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.SetDataRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that pipelines requests and never reads a reply, at every size of request: exists (20 bytes), then
 * setData of 1 KiB, 64 KiB and of as much as {@code jute.maxbuffer} (1 MiB, the default) allows, each followed
 * by a getData of the same node, so requests and replies are both that big. Each size has its own connection,
 * with an 8 KiB receive buffer, so the backlog builds up in the server rather than in the kernel.
 *
 * <p>What bounds the server's memory for such a client: the requests it has taken in and not answered, at most
 * {@code globalOutstandingLimit} (set to {@link #LIMIT} here, so the bound is tight enough to mean something at
 * 1 MiB a request; the default of 1,000 would make it 1 GiB) plus what one read of the socket brought in; and its
 * unread replies, at most {@code maxClientOutboundBytes} ({@link #MAX_OUTBOUND} here, to keep the test short)
 * plus one 1 MiB chunk of encoded output and the one message that crossed the bound. So the test states, for
 * request size S, heap and Netty's direct memory together at most
 * <pre>  LIMIT × (S + 1 KiB) + MAX_OUTBOUND + 1 MiB + 2 × S + {@link #SLACK}</pre>
 * above their level before (2 × S: the node's data in the tree, and the message that crossed the bound; 1 KiB:
 * a decoded request's objects besides its data; the slack: one 64 KiB read's worth of tiny requests decoded, at
 * 150 bytes each, 0.5 MB, and the pooled allocator's 4 MiB chunk granularity). Memory is sampled after a full GC
 * every 100 ms while the client sends. At the larger sizes the client is cut off within tens of milliseconds, so
 * the samples say little there; what shows the bound is the backlog the cut-off line reports, and that the client
 * was cut off at all before it had sent four times the bound's worth of replies (a server that queued them
 * instead would also show in the samples by then).
 *
 * <p>The client is cut off once its unread output passes the bound, with one log line; a canary session (a
 * stock client writing once per millisecond) is answered throughout, every write OK and in order.
 */
class NonReaderSweepTest {
    private static final int LIMIT = 64;
    private static final long MAX_OUTBOUND = 4L << 20;
    private static final int MAX_BUFFER = 0xfffff;
    private static final long CHUNK = 1L << 20;
    private static final long SLACK = 16L << 20;
    /** A setData frame beyond its data: header 8, path "/n-N..." and its length, data length 4, version 4. */
    private static final int NEAR_MAX = MAX_BUFFER - 64;
    private static final int SMALL_RECEIVE_BUFFER = 8192;
    /** An exists reply, or a setData reply: header 16 and a Stat of 68, behind their length. */
    private static final int SMALL_REPLY = 88;
    private static final Pattern BACKLOG = Pattern.compile("(\\d+) bytes of replies and events left unread");

    private static ZkServer server;
    private static Canary canary;
    private static LogCapture log;

    @BeforeAll
    static void start() throws Exception {
        server = ZkServer.start(ServerConfig.builder().clientPort(0).globalOutstandingLimit(LIMIT)
                .maxClientOutboundBytes(MAX_OUTBOUND).juteMaxBuffer(MAX_BUFFER).build());
        canary = Canary.start("127.0.0.1:" + server.port(), "/canary");
        log = new LogCapture();
    }

    @AfterAll
    static void stop() throws Exception {
        log.close();
        canary.close();
        server.close();
    }

    /** 0 is exists; any other size is setData of that many bytes, then getData of the node. */
    @ParameterizedTest(name = "request size {0}")
    @ValueSource(ints = {0, 1024, 64 * 1024, NEAR_MAX})
    void aClientThatNeverReads_isCutOffPastItsOutboundBound_andTheServersMemoryStaysBounded(int size)
            throws Exception {
        String path = "/n-" + size;
        canary.client().create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        long heapBefore = Heap.usedAfterGc();
        long directBefore = Heap.nettyDirect();
        long bound = (long) LIMIT * (size + 1024) + MAX_OUTBOUND + CHUNK + 2L * size + SLACK;
        // Had the server no bound, it would queue every reply: four times the bound's worth of replies is
        // where the client gives up, so a server that kept them would be caught by the sampler as well.
        long maxRequests = 4 * bound / (size == 0 ? SMALL_REPLY : (SMALL_REPLY + size + SMALL_REPLY) / 2);

        Sampler sampler = new Sampler();
        sampler.start();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        RawClient c = RawClient.connect(null, server.port(), SMALL_RECEIVE_BUFFER);
        long session = c.handshake(30_000);
        Thread nonReader = new Thread(() -> {
            try {
                sent.set(sendUntilCutOff(c, path, size, maxRequests));
            } finally {
                sending.set(false);
            }
        }, "non-reader");
        nonReader.start();
        Canary.Result bystander = canary.runWhile(sending::get);
        nonReader.join();
        sampler.stopAndJoin();
        c.close();

        assertEquals(List.of(), bystander.problems(), "the canary's writes are answered OK, in order");
        assertTrue(sent.get() < maxRequests, "the server cut the client off before it had sent " + maxRequests);
        log.assertOneLine(c.localPort(), session, "left unread");
        long backlog = backlogAtTheClose(c.localPort(), session);
        long peakHeap = sampler.peakHeap - heapBefore;
        long peakDirect = sampler.peakDirect - directBefore;
        System.out.printf(Locale.ROOT, "non-reader, %s: %,d requests sent before the cut-off at %,d unread bytes;"
                        + " peak over before: heap %s, Netty direct %s, together %s (bound %s; %d samples);"
                        + " canary %s%n", size == 0 ? "exists" : "setData+getData of " + size + " B", sent.get(),
                backlog, Heap.mib(peakHeap), Heap.mib(peakDirect), Heap.mib(peakHeap + peakDirect),
                Heap.mib(bound), sampler.samples, bystander.summary());
        // What was queued unread when the server gave up: the bound, plus at most what one write hands over
        // (a 1 MiB chunk of encoded messages, and the one message that crossed it).
        assertTrue(backlog <= MAX_OUTBOUND + CHUNK + MAX_BUFFER + 64, "unread bytes at the close: " + backlog);
        assertTrue(peakHeap + peakDirect <= bound, "heap and direct memory " + Heap.mib(peakHeap + peakDirect)
                + " above their level before, at most " + Heap.mib(bound));
        canary.client().delete(path, -1);
    }

    /** Pipelines requests without reading until the server closes the connection; returns how many it sent. */
    private static long sendUntilCutOff(RawClient c, String path, int size, long maxRequests) {
        byte[] data = new byte[size];
        long n = 0;
        int xid = 1;
        while (n < maxRequests) {
            boolean ok = size == 0
                    ? c.trySend(xid++, ZooDefs.OpCode.exists, new ExistsRequest(path, false))
                    : c.trySend(xid++, ZooDefs.OpCode.setData, new SetDataRequest(path, data, -1))
                            && c.trySend(xid++, ZooDefs.OpCode.getData, new GetDataRequest(path, false));
            if (!ok) {
                return n;
            }
            n += size == 0 ? 1 : 2;
        }
        return n;
    }

    private static long backlogAtTheClose(int port, long session) {
        return log.about(port, session).stream()
                .map(e -> BACKLOG.matcher(e.getFormattedMessage()))
                .filter(Matcher::find)
                .mapToLong(m -> Long.parseLong(m.group(1)))
                .findFirst().orElseThrow();
    }

    /** Heap after a full GC, and Netty's direct memory, every 100 ms; keeps the peaks. */
    private static final class Sampler extends Thread {
        private volatile boolean running = true;
        private volatile long peakHeap;
        private volatile long peakDirect;
        private volatile int samples;

        Sampler() {
            super("memory-sampler");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                peakHeap = Math.max(peakHeap, Heap.usedAfterGc());
                peakDirect = Math.max(peakDirect, Heap.nettyDirect());
                samples++;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stopAndJoin() throws InterruptedException {
            running = false;
            join();
        }
    }
}
