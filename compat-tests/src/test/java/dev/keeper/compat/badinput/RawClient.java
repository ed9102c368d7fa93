package dev.keeper.compat.badinput;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;

/**
 * A client that speaks ZooKeeper's wire protocol by hand over a plain blocking socket, so a test can send what no
 * client library would: any bytes, any length prefix, any opcode, a record cut short. Records come from
 * zookeeper-jute, the same classes both servers read.
 */
final class RawClient implements AutoCloseable {
    /** What the server did next, as a reader of the socket sees it. */
    sealed interface Next permits Frame, Closed, Silent {
    }

    /** A reply frame: its header and the bytes of the record after it. */
    record Frame(int xid, long zxid, int err, byte[] body) implements Next {
    }

    /** The server closed the connection: end of stream, or a reset (it closed with our bytes unread). */
    record Closed(boolean reset) implements Next {
    }

    /** Nothing arrived within the wait. */
    record Silent() implements Next {
    }

    private static final int BASELINE_XID = 1_000_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private long sessionId;
    private long zxidBase = Long.MIN_VALUE;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawClient connect(int port) throws IOException {
        return connect(port, 0);
    }

    /** Connects; a positive {@code receiveBuffer} shrinks our socket's receive buffer before the connect. */
    static RawClient connect(int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setTcpNoDelay(true);
        s.setSoTimeout(10_000);
        return new RawClient(s);
    }

    int serverPort() {
        return socket.getPort();
    }

    /** Our side's port: how the server's log lines name this connection. */
    int localPort() {
        return socket.getLocalPort();
    }

    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void writeInt(int v) throws IOException {
        writeRaw(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    /** Sends {@code payload} behind its own length. */
    void sendFrame(byte[] payload) throws IOException {
        writeRaw(frames(payload));
    }

    /** Payloads, each behind its length, in one array: frames that leave in one write arrive together. */
    static byte[] frames(byte[]... payloads) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        try {
            for (byte[] p : payloads) {
                d.writeInt(p.length);
                d.write(p);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toByteArray();
    }

    /** Opens a new session the way the Java client does (readOnly byte included); returns its id. */
    long handshake(int sessionTimeoutMs) throws IOException {
        sendFrame(bytes(new ConnectRequest(0, 0, sessionTimeoutMs, 0, new byte[16], false)));
        int len = in.readInt();
        byte[] frame = in.readNBytes(len);
        ConnectResponse rsp = new ConnectResponse();
        rsp.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(frame)), "");
        if (rsp.getSessionId() == 0) {
            throw new IOException("session refused");
        }
        sessionId = rsp.getSessionId();
        return sessionId;
    }

    /** The session the handshake opened; 0 before it. */
    long sessionId() {
        return sessionId;
    }

    /**
     * Asks for the server's last zxid (the zxid of an {@code exists} reply), so later replies can be described
     * relative to it: ZooKeeper and ours then agree on "+0" and "+1" whatever ran on the server before.
     */
    void baseline() throws IOException {
        send(BASELINE_XID, ZooDefs.OpCode.exists, new ExistsRequest("/", false));
        Frame f = reply();
        if (f.xid() != BASELINE_XID || f.err() != 0) {
            throw new AssertionError("baseline exists failed: " + f);
        }
        zxidBase = f.zxid();
    }

    /** Sends a request, unless the server has already closed the connection; says whether it went out. */
    boolean trySend(int xid, int opCode, Record body) {
        try {
            send(xid, opCode, body);
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /** Sends one request: header, then the record (none when null). */
    void send(int xid, int opCode, Record body) throws IOException {
        sendFrame(request(xid, opCode, body));
    }

    /** Sends a request header followed by {@code body} exactly as given: how a malformed record is sent. */
    void sendRaw(int xid, int opCode, byte[] body) throws IOException {
        byte[] header = request(xid, opCode, null);
        byte[] payload = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, payload, header.length, body.length);
        sendFrame(payload);
    }

    /** The bytes of a request frame's payload: header and record. */
    static byte[] request(int xid, int opCode, Record body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            BinaryOutputArchive oa = BinaryOutputArchive.getArchive(b);
            new RequestHeader(xid, opCode).serialize(oa, "header");
            if (body != null) {
                body.serialize(oa, "request");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toByteArray();
    }

    /** A record's bytes in hex, as {@link #describe} shows a short reply body. */
    static String hex(Record... records) {
        return HexFormat.of().formatHex(bytes(records));
    }

    /** The records' bytes, one after the other (a multi body is its headers and records in a row). */
    static byte[] bytes(Record... records) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            for (Record r : records) {
                r.serialize(BinaryOutputArchive.getArchive(b), "");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toByteArray();
    }

    /** The next frame, close or silence within {@code wait}. */
    Next next(Duration wait) throws IOException {
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        try {
            int len = in.readInt();
            byte[] frame = in.readNBytes(len);
            if (frame.length < len) {
                return new Closed(false);
            }
            ReplyHeader h = new ReplyHeader();
            ByteArrayInputStream bytes = new ByteArrayInputStream(frame);
            h.deserialize(BinaryInputArchive.getArchive(bytes), "");
            return new Frame(h.getXid(), h.getZxid(), h.getErr(), bytes.readAllBytes());
        } catch (EOFException e) {
            return new Closed(false);
        } catch (SocketTimeoutException e) {
            return new Silent();
        } catch (SocketException e) {
            return new Closed(true);
        }
    }

    /** What comes next, described as {@link #describe} does. */
    String see(Duration wait) throws IOException {
        return describe(next(wait));
    }

    /**
     * A server's answer in words both servers can be compared by: "closed", "silent", or a reply's header (its
     * zxid relative to the {@link #baseline}, when one was taken) and its body (hex when short).
     */
    String describe(Next n) {
        if (n instanceof Closed) {
            return "closed";
        }
        if (n instanceof Silent) {
            return "silent";
        }
        Frame f = (Frame) n;
        String zxid = zxidBase != Long.MIN_VALUE && f.zxid() >= zxidBase
                ? "+" + (f.zxid() - zxidBase) : Long.toString(f.zxid());
        String body = f.body().length <= 64 ? HexFormat.of().formatHex(f.body()) : f.body().length + " bytes";
        return "reply xid=" + f.xid() + " zxid=" + zxid + " err=" + f.err() + " body=" + body;
    }

    /**
     * "alive" when the connection still answers a request (after any frames already on their way, such as
     * replies to pings), else what happened instead.
     */
    String alive() throws IOException {
        int xid = BASELINE_XID + 1;
        if (!trySend(xid, ZooDefs.OpCode.exists, new ExistsRequest("/", false))) {
            return "closed";
        }
        for (int frames = 0; frames < 1000; frames++) {
            Next n = next(Duration.ofSeconds(5));
            if (!(n instanceof Frame f)) {
                return describe(n);
            }
            if (f.xid() == xid) {
                return f.err() == 0 ? "alive" : "err " + f.err();
            }
        }
        return "no answer";
    }

    /** The next reply frame; fails the test when the server closed or stayed silent. */
    Frame reply() throws IOException {
        Next n = next(Duration.ofSeconds(10));
        if (n instanceof Frame f) {
            return f;
        }
        throw new AssertionError("expected a reply, got " + n);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
