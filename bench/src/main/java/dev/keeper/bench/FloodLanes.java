package dev.keeper.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.RequestHeader;

/**
 * The flood of malformed frames of the limits tests ({@code compat-tests/.../limits/MalformedFlood}), for the
 * benchmark: lanes of one connection at a time, each from its own loopback address (127.0.1.x), round after
 * round until together they have sent the frames asked for. A round is either a session that pipelines 50 bodies
 * that do not decode (getData, create, exists, setData, multi: each answered MarshallingError, the connection
 * kept) and then ends with one frame that closes it (an unknown opcode, answered Unimplemented; a length over
 * {@code jute.maxbuffer} or below zero; a frame too short for a header; a frame cut off by the client closing),
 * or a connection whose first frame is already bad (a ConnectRequest of random bytes, an HTTP request, a negative
 * length, an empty frame, a cut-off frame). ZooKeeper 3.9.5's answer to each is pinned by the compatibility
 * suite's {@code badinput} tests; an answer other than that is counted as a problem.
 */
final class FloodLanes {
    static final int BODIES_PER_CONNECTION = 50;
    private static final int WAIT_MS = 30_000;
    private static final int MAX_BUFFER = 0xfffff;
    private static final int SESSION_TIMEOUT_MS = 1000;
    private static final byte[] KEPT_BODIES = keptBodies();
    private static final byte[] GARBAGE_HANDSHAKE = randomBytes(44, 7);
    private static final byte[] HTTP = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** The kinds of round, in the order a lane goes through them. */
    enum Round {
        KEPT_THEN_UNKNOWN_OPCODE, KEPT_THEN_OVERSIZED_LENGTH, KEPT_THEN_NEGATIVE_LENGTH, KEPT_THEN_SHORT_HEADER,
        KEPT_THEN_TRUNCATED, GARBAGE_HANDSHAKE, HTTP_REQUEST, NEGATIVE_FIRST_LENGTH, EMPTY_HANDSHAKE,
        TRUNCATED_FIRST_FRAME;

        boolean kept() {
            return ordinal() <= KEPT_THEN_TRUNCATED.ordinal();
        }

        int frames() {
            return kept() ? BODIES_PER_CONNECTION + 1 : 1;
        }
    }

    /**
     * What one flood did.
     *
     * @param frames      malformed frames sent
     * @param connections connections made
     * @param millis      how long it took
     * @param problems    answers that were not ZooKeeper's (the first few, and how many in all)
     */
    record Result(long frames, int connections, double millis, List<String> problems, int problemCount) {
    }

    private final int port;
    private final AtomicLong frames = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger problemCount = new AtomicInteger();
    private final Queue<String> problems = new ConcurrentLinkedQueue<>();

    private final long rate;
    private long start;

    private FloodLanes(int port, long rate) {
        this.port = port;
        this.rate = rate;
    }

    /**
     * Floods with {@code total} frames from {@code lanes} connections at a time; {@code rate} holds the lanes
     * together to that many frames a second (0: as fast as they go). Held below what the machine's cores can take,
     * the flood measures how a server keeps a well-behaved session apart from bad ones; unheld on a machine that
     * also runs the flood, it measures who gets the CPU.
     */
    static Result run(int port, int lanes, long total, long rate) throws InterruptedException {
        FloodLanes f = new FloodLanes(port, rate);
        long start = System.nanoTime();
        f.start = start;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < lanes; i++) {
            int lane = i;
            Thread t = new Thread(() -> f.lane(lane, total), "flood-lane-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Result(f.frames.get(), f.connections.get(), (System.nanoTime() - start) / 1e6,
                List.copyOf(f.problems), f.problemCount.get());
    }

    private void lane(int lane, long total) {
        Round[] kinds = Round.values();
        for (int r = lane; ; r++) {
            Round kind = kinds[r % kinds.length];
            long sent = frames.getAndAdd(kind.frames());
            if (sent >= total) {
                frames.addAndGet(-kind.frames());
                return;
            }
            if (rate > 0) {
                // the round's frames go no earlier than the rate allows
                long due = start + sent * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            connections.incrementAndGet();
            try (Conn c = new Conn(address(lane), port)) {
                String wrong = kind.kept() ? kept(c, kind) : first(c, kind);
                if (wrong != null) {
                    problem(kind + ": " + wrong);
                }
            } catch (IOException | RuntimeException e) {
                problem(kind + ": " + e);
            }
        }
    }

    private void problem(String p) {
        if (problemCount.incrementAndGet() <= 10) {
            problems.add(p);
        }
    }

    static InetAddress address(int lane) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, (byte) (1 + lane / 250), (byte) (1 + lane % 250)});
    }

    private static String kept(Conn c, Round kind) throws IOException {
        c.handshake();
        c.write(KEPT_BODIES);
        for (int xid = 1; xid <= BODIES_PER_CONNECTION; xid++) {
            ByteBuffer f = c.readFrame();
            if (f == null || f.getInt(0) != xid || f.getInt(12) != -5) {
                return "malformed body " + xid + " answered " + Conn.describe(f) + ", not MarshallingError";
            }
        }
        int last = BODIES_PER_CONNECTION + 1;
        switch (kind) {
            case KEPT_THEN_UNKNOWN_OPCODE -> {
                c.write(frame(request(last, 999, null)));
                ByteBuffer f = c.readFrame();
                if (f == null || f.getInt(0) != last || f.getInt(12) != -6) {
                    return "unknown opcode answered " + Conn.describe(f) + ", not Unimplemented";
                }
            }
            case KEPT_THEN_OVERSIZED_LENGTH -> c.write(intBytes(MAX_BUFFER + 1));
            case KEPT_THEN_NEGATIVE_LENGTH -> c.write(intBytes(Integer.MIN_VALUE));
            case KEPT_THEN_SHORT_HEADER -> c.write(frame(new byte[] {0, 0, 0, 1}));
            case KEPT_THEN_TRUNCATED -> {
                c.write(cutOff());
                return null;
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
        return c.expectClosed();
    }

    private static String first(Conn c, Round kind) throws IOException {
        switch (kind) {
            case GARBAGE_HANDSHAKE -> c.write(frame(GARBAGE_HANDSHAKE));
            case HTTP_REQUEST -> c.write(HTTP);
            case NEGATIVE_FIRST_LENGTH -> c.write(intBytes(-1));
            case EMPTY_HANDSHAKE -> c.write(intBytes(0));
            case TRUNCATED_FIRST_FRAME -> {
                c.write(cutOff());
                return null;
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
        return c.expectClosed();
    }

    /** A length of 100, then 10 bytes: the client closes inside the frame. */
    private static byte[] cutOff() {
        byte[] b = new byte[14];
        b[3] = 100;
        return b;
    }

    private static byte[] keptBodies() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < BODIES_PER_CONNECTION; i++) {
            int xid = i + 1;
            byte[] payload = switch (i % 5) {
                case 0 -> concat(request(xid, ZooDefs.OpCode.getData, null), new byte[] {0, 0, 0, 50, 'a'});
                case 1 -> concat(request(xid, ZooDefs.OpCode.create, null), new byte[] {0, 0, 0, 2, '/', 'x', 0, 0});
                case 2 -> request(xid, ZooDefs.OpCode.exists, new ExistsRequest(null, false));
                case 3 -> concat(request(xid, ZooDefs.OpCode.setData, null),
                        new byte[] {0, 0, 0, 2, '/', 'x', 0, 0, 3, -24, 1, 2, 3});
                default -> concat(request(xid, ZooDefs.OpCode.multi, null), concat(
                        bytes(new MultiHeader(ZooDefs.OpCode.create, false, -1)),
                        bytes(new CreateRequest("/m", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 99)),
                        bytes(new MultiHeader(-1, true, -1))));
            };
            out.writeBytes(frame(payload));
        }
        return out.toByteArray();
    }

    private static byte[] request(int xid, int opCode, Record body) {
        return body == null ? bytes(new RequestHeader(xid, opCode))
                : concat(bytes(new RequestHeader(xid, opCode)), bytes(body));
    }

    static byte[] bytes(Record r) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            r.serialize(BinaryOutputArchive.getArchive(b), "");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    static byte[] frame(byte[] payload) {
        return concat(intBytes(payload.length), payload);
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** One raw connection: blocking, buffered reads, frames in and out. */
    private static final class Conn implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        Conn(InetAddress local, int port) throws IOException {
            socket = new Socket();
            try {
                socket.bind(new InetSocketAddress(local, 0));
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), WAIT_MS);
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(WAIT_MS);
                in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 8192));
                out = socket.getOutputStream();
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        void handshake() throws IOException {
            write(frame(bytes(new ConnectRequest(0, 0, SESSION_TIMEOUT_MS, 0, new byte[16], false))));
            if (readFrame() == null) {
                throw new IOException("the ConnectRequest was not answered");
            }
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** The next frame, or null when the server closed the connection. */
        ByteBuffer readFrame() throws IOException {
            try {
                int len = in.readInt();
                if (len < 0 || len > 16 << 20) {
                    throw new IOException("frame length " + len);
                }
                byte[] b = new byte[len];
                in.readFully(b);
                return ByteBuffer.wrap(b);
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (EOFException e) {
                return null;
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("frame length")) {
                    throw e;
                }
                return null; // reset: closed all the same
            }
        }

        String expectClosed() throws IOException {
            ByteBuffer f = readFrame();
            return f == null ? null : "expected the close, got " + describe(f);
        }

        static String describe(ByteBuffer f) {
            if (f == null) {
                return "the close";
            }
            return f.remaining() < 16 ? "a frame of " + f.remaining() + " bytes"
                    : "reply xid " + f.getInt(0) + " err " + f.getInt(12);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
