package dev.keeper.compat.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.RequestHeader;

/**
 * A client that speaks ZooKeeper's wire protocol by hand over a plain blocking socket, so a test can send what no
 * client library would: any bytes, any length prefix, any opcode, a record cut short, a ConnectRequest with a
 * {@code lastZxidSeen} of its choosing or without its read-only byte, a session that never pings. Records come
 * from zookeeper-jute, the same classes both servers read.
 */
public final class RawClient implements AutoCloseable {
    /** What the server did next, as a reader of the socket sees it. */
    public sealed interface Next permits Frame, Closed, Silent {
    }

    /** A reply frame: its header and the bytes of the record after it. */
    public record Frame(int xid, long zxid, int err, byte[] body) implements Next {
    }

    /** The server closed the connection (end of stream, or a reset: it closed with our bytes unread). */
    public record Closed() implements Next {
    }

    /** Nothing arrived within the wait. */
    public record Silent() implements Next {
    }

    private static final int BASELINE_XID = 1_000_000;
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);
    /** Replies to getData on a node near jute.maxbuffer are just over 1 MiB; a larger length is garbage. */
    private static final int MAX_FRAME = 16 << 20;
    private static final int REPLY_HEADER_BYTES = 16;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private long sessionId;
    private long zxidBase = Long.MIN_VALUE;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        // Buffered: a frame is then one read from the socket, not one per field (a test reading a million
        // events would otherwise spend its time in system calls). 8 KiB, as a test may hold 10,000 of these.
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 8192));
        this.out = socket.getOutputStream();
    }

    public static RawClient connect(int port) throws IOException {
        return connect(port, 0);
    }

    /** Connects; a positive {@code receiveBuffer} shrinks our socket's receive buffer before the connect. */
    public static RawClient connect(int port, int receiveBuffer) throws IOException {
        return connect(null, port, receiveBuffer);
    }

    /**
     * Connects from {@code local} (any 127.x.y.z is this machine's loopback on Linux, so a test can be many client
     * addresses, as {@code maxClientCnxns} counts them), or from the default address when null.
     */
    public static RawClient connect(InetAddress local, int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        try {
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            if (local != null) {
                s.bind(new InetSocketAddress(local, 0));
            }
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) DEFAULT_WAIT.toMillis());
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) DEFAULT_WAIT.toMillis());
            return new RawClient(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Opens a connection, sends one ConnectRequest as the Java client does and closes again; returns the reply,
     * or empty if the server closed the connection instead of answering.
     */
    public static Optional<ConnectResponse> handshakeOnce(int port, long lastZxidSeen, int timeoutMs)
            throws IOException {
        try (RawClient c = connect(port)) {
            c.sendConnect(timeoutMs, lastZxidSeen, 0, new byte[16], false);
            return Optional.ofNullable(c.readFrame(DEFAULT_WAIT)).map(RawClient::decodeConnectResponse);
        }
    }

    public int serverPort() {
        return socket.getPort();
    }

    /** Our side's port: how the server's log lines name this connection. */
    public int localPort() {
        return socket.getLocalPort();
    }

    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void writeInt(int v) throws IOException {
        writeRaw(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    /** Sends {@code payload} behind its own length. */
    public void sendFrame(byte[] payload) throws IOException {
        writeRaw(frames(payload));
    }

    /** Payloads, each behind its length, in one array: frames that leave in one write arrive together. */
    public static byte[] frames(byte[]... payloads) {
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

    /**
     * Sends a ConnectRequest. With {@code readOnly} set its bytes are the Java client's (ConnectRequest ends in
     * the read-only byte); with null that last byte is left out, as clients older than 3.3 send it.
     */
    public void sendConnect(int timeoutMs, long lastZxidSeen, long session, byte[] passwd, Boolean readOnly)
            throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryOutputArchive a = BinaryOutputArchive.getArchive(body);
        a.writeInt(0, "protocolVersion");
        a.writeLong(lastZxidSeen, "lastZxidSeen");
        a.writeInt(timeoutMs, "timeOut");
        a.writeLong(session, "sessionId");
        a.writeBuffer(passwd, "passwd");
        if (readOnly != null) {
            a.writeBool(readOnly, "readOnly");
        }
        sendFrame(body.toByteArray());
    }

    /** Opens a new session the way the Java client does (readOnly byte included); returns its id. */
    public long handshake(int sessionTimeoutMs) throws IOException {
        sendConnect(sessionTimeoutMs, 0, 0, new byte[16], false);
        return handshakeReply();
    }

    /**
     * Reads the answer to a ConnectRequest sent before (a test opening thousands of sessions sends them all, then
     * reads the answers); returns the session id.
     */
    public long handshakeReply() throws IOException {
        byte[] frame = readFrame(DEFAULT_WAIT);
        if (frame == null) {
            throw new IOException("the server closed the connection instead of answering the ConnectRequest");
        }
        ConnectResponse rsp = decodeConnectResponse(frame);
        if (rsp.getSessionId() == 0) {
            throw new IOException("session refused");
        }
        sessionId = rsp.getSessionId();
        return sessionId;
    }

    /** The session the handshake opened; 0 before it. */
    public long sessionId() {
        return sessionId;
    }

    /**
     * Asks for the server's last zxid (the zxid of an {@code exists} reply), so later replies can be described
     * relative to it: ZooKeeper and ours then agree on "+0" and "+1" whatever ran on the server before.
     */
    public void baseline() throws IOException {
        send(BASELINE_XID, ZooDefs.OpCode.exists, new ExistsRequest("/", false));
        Frame f = reply();
        if (f.xid() != BASELINE_XID || f.err() != 0) {
            throw new AssertionError("baseline exists failed: " + f);
        }
        zxidBase = f.zxid();
    }

    /** Sends a request, unless the server has already closed the connection; says whether it went out. */
    public boolean trySend(int xid, int opCode, Record body) {
        try {
            send(xid, opCode, body);
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /** Sends one request: header, then the record (none when null). */
    public void send(int xid, int opCode, Record body) throws IOException {
        sendFrame(request(xid, opCode, body));
    }

    /** Sends a request header followed by {@code body} exactly as given: how a malformed record is sent. */
    public void sendRaw(int xid, int opCode, byte[] body) throws IOException {
        byte[] header = request(xid, opCode, null);
        byte[] payload = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, payload, header.length, body.length);
        sendFrame(payload);
    }

    /**
     * Sends one request and returns the error code of its reply; frames with another xid before it (watch
     * notifications) are skipped.
     */
    public int call(int xid, int opCode, Record body) throws IOException {
        send(xid, opCode, body);
        while (true) {
            Next n = next(DEFAULT_WAIT);
            if (!(n instanceof Frame f)) {
                throw new IOException("expected the reply to xid " + xid + ", got " + n);
            }
            if (f.xid() == xid) {
                return f.err();
            }
        }
    }

    /** The bytes of a request frame's payload: header and record. */
    public static byte[] request(int xid, int opCode, Record body) {
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
    public static String hex(Record... records) {
        return HexFormat.of().formatHex(bytes(records));
    }

    /** The records' bytes, one after the other (a multi body is its headers and records in a row). */
    public static byte[] bytes(Record... records) {
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

    /**
     * The next frame's payload exactly as the server sent it (whatever its length), or null when the server
     * closed the connection, by end of stream or reset, before or inside the frame.
     *
     * @throws SocketTimeoutException when nothing, or only part of a frame, arrived within {@code wait}
     */
    public byte[] readFrame(Duration wait) throws IOException {
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        int len;
        try {
            len = in.readInt();
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return null; // end of stream, or reset by peer: closed either way
        }
        if (len < 0 || len > MAX_FRAME) {
            throw new IOException("frame length " + len);
        }
        byte[] payload;
        try {
            payload = in.readNBytes(len);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return null;
        }
        return payload.length < len ? null : payload;
    }

    /**
     * The next reply frame, close or silence within {@code wait}. A frame too short for a reply header counts as
     * the connection ending (neither server sends one; its bytes are not a reply).
     */
    public Next next(Duration wait) throws IOException {
        byte[] frame;
        try {
            frame = readFrame(wait);
        } catch (SocketTimeoutException e) {
            return new Silent();
        }
        if (frame == null || frame.length < REPLY_HEADER_BYTES) {
            return new Closed();
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        int xid = b.getInt();
        long zxid = b.getLong();
        int err = b.getInt();
        return new Frame(xid, zxid, err, Arrays.copyOfRange(frame, REPLY_HEADER_BYTES, frame.length));
    }

    /** What comes next, described as {@link #describe} does. */
    public String see(Duration wait) throws IOException {
        return describe(next(wait));
    }

    /**
     * A server's answer in words both servers can be compared by: "closed", "silent", or a reply's header (its
     * zxid relative to the {@link #baseline}, when one was taken) and its body (hex when short).
     */
    public String describe(Next n) {
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
    public String alive() throws IOException {
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
    public Frame reply() throws IOException {
        Next n = next(DEFAULT_WAIT);
        if (n instanceof Frame f) {
            return f;
        }
        throw new AssertionError("expected a reply, got " + n);
    }

    /**
     * Reads (and drops) whatever still comes until the server closes the connection; false if it is still open
     * after {@code timeoutMs} without a byte.
     */
    public boolean awaitClosedByServer(int timeoutMs) throws IOException {
        Duration wait = Duration.ofMillis(timeoutMs);
        while (true) {
            try {
                if (readFrame(wait) == null) {
                    return true;
                }
            } catch (SocketTimeoutException stillOpen) {
                return false;
            }
        }
    }

    /** Decodes a length-prefixed ConnectResponse from the first bytes a server sent on a connection. */
    public static Optional<ConnectResponse> parseConnectResponse(byte[] framed) {
        if (framed.length < 4) {
            return Optional.empty();
        }
        int length = ByteBuffer.wrap(framed).getInt();
        return Optional.of(decodeConnectResponse(
                Arrays.copyOfRange(framed, 4, 4 + Math.min(length, framed.length - 4))));
    }

    /**
     * A ConnectResponse's fields; the trailing read-only byte is optional on the wire (a server answers a
     * ConnectRequest without it in kind), so it is read only when present.
     */
    public static ConnectResponse decodeConnectResponse(byte[] payload) {
        try {
            ByteArrayInputStream bytes = new ByteArrayInputStream(payload);
            BinaryInputArchive a = BinaryInputArchive.getArchive(bytes);
            ConnectResponse rsp = new ConnectResponse();
            rsp.setProtocolVersion(a.readInt("protocolVersion"));
            rsp.setTimeOut(a.readInt("timeOut"));
            rsp.setSessionId(a.readLong("sessionId"));
            rsp.setPasswd(a.readBuffer("passwd"));
            if (bytes.available() > 0) {
                rsp.setReadOnly(a.readBool("readOnly"));
            }
            return rsp;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a ConnectResponse: " + HexFormat.of().formatHex(payload), e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
