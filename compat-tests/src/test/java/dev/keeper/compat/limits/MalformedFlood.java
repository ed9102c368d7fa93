package dev.keeper.compat.limits;

import dev.keeper.compat.support.RawClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.MultiHeader;

/**
 * Malformed frames from many connections at once, each from its own loopback address (127.0.1.x:
 * {@code maxClientCnxns} counts per address), every answer checked against what ZooKeeper does with the same
 * bytes (the {@code badinput} tests pin each one against the real ZooKeeper 3.9.5):
 *
 * <ul>
 *   <li>a body that does not decode, after a good handshake: MarshallingError (−5), and the connection stays —
 *       50 of them pipelined per connection (getData with a path cut short, create with its data cut short,
 *       exists with a null path, setData with its data cut short, a multi with a bad create flag);</li>
 *   <li>then one frame that ends the connection: an unknown opcode (Unimplemented, −6, then the close), a length
 *       over {@code jute.maxbuffer} or below zero, a frame too short for a request header (the close, nothing
 *       sent), or a frame cut off by the client closing;</li>
 *   <li>or, as a connection's first frame: a ConnectRequest of random bytes, an HTTP request, a negative length,
 *       an empty frame (each closed with nothing sent), or a frame cut off by the client closing.</li>
 * </ul>
 *
 * <p>Each lane is one thread and one connection at a time, round after round, until the lanes together have sent
 * the frames asked for. What a lane saw that ZooKeeper would not have sent is collected, not thrown.
 */
final class MalformedFlood {
    /** Malformed bodies a kept connection pipelines before the frame that ends it. */
    static final int BODIES_PER_CONNECTION = 50;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int UNKNOWN_OPCODE = 999;
    private static final byte[] KEPT_BODIES = keptBodies();
    /** A ConnectRequest of random bytes whose password length comes out unreasonable (as in FramingTest). */
    private static final byte[] GARBAGE_HANDSHAKE = randomBytes(44, 7);
    private static final byte[] HTTP = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** How a round ends, or begins and ends. */
    enum Round {
        KEPT_THEN_UNKNOWN_OPCODE, KEPT_THEN_OVERSIZED_LENGTH, KEPT_THEN_NEGATIVE_LENGTH, KEPT_THEN_SHORT_HEADER,
        KEPT_THEN_TRUNCATED, GARBAGE_HANDSHAKE, HTTP_REQUEST, NEGATIVE_FIRST_LENGTH, EMPTY_HANDSHAKE,
        TRUNCATED_FIRST_FRAME;

        boolean kept() {
            return ordinal() <= KEPT_THEN_TRUNCATED.ordinal();
        }

        /** Malformed frames the round sends (the handshake is not one). */
        int frames() {
            return kept() ? BODIES_PER_CONNECTION + 1 : 1;
        }
    }

    private final int port;
    private final int maxBuffer;
    private final int sessionTimeoutMs;
    private final AtomicLong frames = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    private final Queue<String> problems = new ConcurrentLinkedQueue<>();

    MalformedFlood(int port, int maxBuffer, int sessionTimeoutMs) {
        this.port = port;
        this.maxBuffer = maxBuffer;
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    /** 127.0.1.1, 127.0.1.2, ...: lane {@code i}'s address. */
    static InetAddress laneAddress(int i) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, (byte) (1 + i / 250), (byte) (1 + i % 250)});
    }

    /** Runs {@code lanes} lanes until together they have sent at least {@code total} malformed frames. */
    void run(int lanes, long total) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < lanes; i++) {
            int lane = i;
            Thread t = new Thread(() -> lane(lane, total), "flood-lane-" + i);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /** Each round of each kind once, from one lane: what a measurement taken after it has seen already. */
    void warmUp() {
        for (Round r : Round.values()) {
            round(0, r);
        }
    }

    private void lane(int lane, long total) {
        Round[] kinds = Round.values();
        // Lanes start at different kinds, so every kind is in flight at once.
        for (int r = lane; ; r++) {
            Round kind = kinds[r % kinds.length];
            if (frames.getAndAdd(kind.frames()) >= total) {
                frames.addAndGet(-kind.frames());
                return;
            }
            round(lane, kind);
        }
    }

    private void round(int lane, Round kind) {
        connections.incrementAndGet();
        try (RawClient c = RawClient.connect(laneAddress(lane), port, 0)) {
            String wrong = kind.kept() ? kept(c, kind) : first(c, kind);
            if (wrong != null) {
                problem("lane " + lane + ", " + kind + ": " + wrong);
            }
        } catch (IOException | RuntimeException e) {
            problem("lane " + lane + ", " + kind + ": " + e);
        }
    }

    private String kept(RawClient c, Round kind) throws IOException {
        c.handshake(sessionTimeoutMs);
        c.writeRaw(KEPT_BODIES);
        for (int xid = 1; xid <= BODIES_PER_CONNECTION; xid++) {
            RawClient.Next n = c.next(WAIT);
            if (!(n instanceof RawClient.Frame f) || f.xid() != xid || f.err() != -5) {
                return "malformed body " + xid + " answered " + c.describe(n) + ", not MarshallingError";
            }
        }
        int last = BODIES_PER_CONNECTION + 1;
        switch (kind) {
            case KEPT_THEN_UNKNOWN_OPCODE -> {
                c.send(last, UNKNOWN_OPCODE, null);
                RawClient.Next n = c.next(WAIT);
                if (!(n instanceof RawClient.Frame f) || f.xid() != last || f.err() != -6) {
                    return "unknown opcode answered " + c.describe(n) + ", not Unimplemented";
                }
            }
            case KEPT_THEN_OVERSIZED_LENGTH -> c.writeInt(maxBuffer + 1);
            case KEPT_THEN_NEGATIVE_LENGTH -> c.writeInt(Integer.MIN_VALUE);
            case KEPT_THEN_SHORT_HEADER -> c.sendFrame(new byte[] {0, 0, 0, 1});
            case KEPT_THEN_TRUNCATED -> {
                c.writeInt(100);
                c.writeRaw(new byte[10]);
                return null; // the client closes
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
        return expectClosed(c);
    }

    private String first(RawClient c, Round kind) throws IOException {
        switch (kind) {
            case GARBAGE_HANDSHAKE -> c.sendFrame(GARBAGE_HANDSHAKE);
            case HTTP_REQUEST -> c.writeRaw(HTTP);
            case NEGATIVE_FIRST_LENGTH -> c.writeInt(-1);
            case EMPTY_HANDSHAKE -> c.writeInt(0);
            case TRUNCATED_FIRST_FRAME -> {
                c.writeInt(100);
                c.writeRaw(new byte[10]);
                return null;
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
        return expectClosed(c);
    }

    private static String expectClosed(RawClient c) throws IOException {
        RawClient.Next n = c.next(WAIT);
        return n instanceof RawClient.Closed ? null : "expected the close, got " + c.describe(n);
    }

    private void problem(String p) {
        if (problems.size() < 20) {
            problems.add(p);
        }
    }

    long framesSent() {
        return frames.get();
    }

    int connectionsMade() {
        return connections.get();
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    /** Five kinds of undecodable body, in turn, xids 1..50, in one buffer: they leave in one write. */
    private static byte[] keptBodies() {
        byte[][] payloads = new byte[BODIES_PER_CONNECTION][];
        for (int i = 0; i < BODIES_PER_CONNECTION; i++) {
            int xid = i + 1;
            payloads[i] = switch (i % 5) {
                // a path that promises 50 bytes and brings one
                case 0 -> withBody(xid, ZooDefs.OpCode.getData, new byte[] {0, 0, 0, 50, 'a'});
                // path "/x", then a data buffer cut off inside its length
                case 1 -> withBody(xid, ZooDefs.OpCode.create, new byte[] {0, 0, 0, 2, '/', 'x', 0, 0});
                // a null path
                case 2 -> RawClient.request(xid, ZooDefs.OpCode.exists, new ExistsRequest(null, false));
                // path "/x", then data that promises 1000 bytes and brings three
                case 3 -> withBody(xid, ZooDefs.OpCode.setData, new byte[] {0, 0, 0, 2, '/', 'x', 0, 0, 3, -24,
                    1, 2, 3});
                // a multi whose create carries a flag MultiOperationRecord refuses
                default -> withBody(xid, ZooDefs.OpCode.multi, RawClient.bytes(
                        new MultiHeader(ZooDefs.OpCode.create, false, -1),
                        new CreateRequest("/m", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 99),
                        new MultiHeader(-1, true, -1)));
            };
        }
        return RawClient.frames(payloads);
    }

    private static byte[] withBody(int xid, int opCode, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(RawClient.request(xid, opCode, null));
        b.writeBytes(body);
        return b.toByteArray();
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
