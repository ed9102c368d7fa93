package dev.keeper.compat.diff;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.RequestHeader;

/**
 * A socket that speaks ZooKeeper's framing and Jute records directly, for what no stock client will send: an
 * opcode the server does not know, {@code check} outside a multi, a truncated body, a ConnectRequest without its
 * read-only byte. Everything the server sends back is recorded: replies field by field with their body bytes in
 * hex (so reply headers are compared byte for byte), and whether the server closed the connection.
 */
final class RawClient implements AutoCloseable {
    private static final int READ_TIMEOUT_MS = 5_000;

    private final String channel;
    private final Recorder rec;
    private final int port;
    private Socket socket;
    private DataInputStream in;
    private OutputStream out;
    private boolean closed;
    private long sessionId;
    private byte[] passwd = new byte[16];

    RawClient(String channel, int port, Recorder rec) throws IOException {
        this.channel = channel;
        this.rec = rec;
        this.port = port;
        rec.open(channel);
        open();
    }

    private void open() throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        closed = false;
    }

    /** A new connection (the server closed the last one); the session, if any, is remembered. */
    void reopen() throws IOException {
        socket.close();
        open();
        rec.record(channel, "new connection");
    }

    /** Sends a ConnectRequest as the Java client does (with the read-only byte), for a new session. */
    void connect() throws IOException {
        connect(Client.SESSION_TIMEOUT_MS, 0, 0, new byte[16], false);
    }

    long sessionId() {
        return sessionId;
    }

    byte[] passwd() {
        return passwd.clone();
    }

    /**
     * Sends a ConnectRequest (the read-only byte only if {@code readOnly} is not null) and records the response:
     * its length tells whether the server echoed the read-only byte.
     */
    void connect(int timeout, long lastZxidSeen, long session, byte[] password, Boolean readOnly) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryOutputArchive a = BinaryOutputArchive.getArchive(body);
        a.writeInt(0, "protocolVersion");
        a.writeLong(lastZxidSeen, "lastZxidSeen");
        a.writeInt(timeout, "timeOut");
        a.writeLong(session, "sessionId");
        a.writeBuffer(password, "passwd");
        if (readOnly != null) {
            a.writeBool(readOnly, "readOnly");
        }
        send(body.toByteArray());
        rec.record(channel, "connect timeout=", timeout, " lastZxidSeen=", lastZxidSeen,
                " session=", new Token.SessionId(session), " readOnlyByte=", readOnly == null ? "absent" : readOnly);
        byte[] frame = readFrame();
        if (frame == null) {
            closed = true;
            rec.record(channel, "  -> connection closed by the server");
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        int protocolVersion = b.getInt();
        int negotiated = b.getInt();
        long id = b.getLong();
        byte[] pw = new byte[b.getInt()];
        b.get(pw);
        String ro = b.hasRemaining() ? Boolean.toString(b.get() != 0) : "absent";
        if (id != 0 && negotiated > 0) {
            sessionId = id;
            passwd = pw;
        }
        rec.record(channel, "  -> connect-response length=", frame.length, " protocolVersion=", protocolVersion,
                " timeout=", negotiated, " session=", new Token.SessionId(id), " passwd=",
                Arrays.equals(pw, new byte[pw.length]) ? "zeros" : "set", "(" + pw.length + ")", " readOnly=", ro,
                b.hasRemaining() ? " trailing=" + b.remaining() : "");
    }

    /** Sends a request header and a Jute record (or none), then records the reply. */
    void request(String what, int xid, int type, Record body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryOutputArchive a = BinaryOutputArchive.getArchive(bytes);
        new RequestHeader(xid, type).serialize(a, "header");
        if (body != null) {
            body.serialize(a, "request");
        }
        sendAndRecord(what, bytes.toByteArray());
    }

    /** Sends a request header followed by {@code body} exactly as given (a truncated record, say). */
    void requestRaw(String what, int xid, int type, byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryOutputArchive a = BinaryOutputArchive.getArchive(bytes);
        new RequestHeader(xid, type).serialize(a, "header");
        bytes.write(body);
        sendAndRecord(what, bytes.toByteArray());
    }

    private void sendAndRecord(String what, byte[] frame) throws IOException {
        rec.record(channel, what);
        send(frame);
        int type = ByteBuffer.wrap(frame).getInt(4);
        readReply(type);
    }

    /** Reads frames up to and including the next reply (notifications before it are recorded too). */
    private void readReply(int type) throws IOException {
        while (true) {
            byte[] frame = readFrame();
            if (frame == null) {
                closed = true;
                rec.record(channel, "  -> connection closed by the server");
                return;
            }
            if (recordFrame(frame, type) != -1) {
                return;
            }
        }
    }

    /** Whether the server has closed this connection. */
    boolean closed() {
        return closed;
    }

    /** After a reply that should end the connection: records whether the server closed it, or what came. */
    void expectClose() throws IOException {
        byte[] frame;
        try {
            frame = readFrame();
        } catch (SocketTimeoutException e) {
            rec.record(channel, "  -> connection still open after ", READ_TIMEOUT_MS, " ms");
            return;
        }
        if (frame == null) {
            closed = true;
            rec.record(channel, "  -> connection closed by the server");
        } else {
            recordFrame(frame, -1);
        }
    }

    /**
     * Records a reply or notification: xid, zxid, err, then the body decoded as the reply to {@code type} would
     * be (so zxids and times in it are normalised), and its raw bytes if they are not exactly that record.
     */
    private int recordFrame(byte[] frame, int type) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        if (frame.length < 16) {
            rec.record(channel, "  -> short frame ", Render.hex(frame));
            return 0;
        }
        int xid = b.getInt();
        long zxid = b.getLong();
        int err = b.getInt();
        byte[] body = Arrays.copyOfRange(frame, 16, frame.length);
        rec.record(channel, "  -> ", xid == -1 ? "notification" : "reply", " length=", frame.length, " xid=", xid,
                " zxid=", new Token.Zxid(zxid), " err=", err, " body=",
                RawReplies.render(xid == -1 ? RawReplies.NOTIFICATION : type, body));
        return xid;
    }

    private void send(byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(4 + payload.length);
        frame.putInt(payload.length).put(payload);
        out.write(frame.array());
        out.flush();
    }

    /** The next frame's payload, or null when the server closed the connection. */
    private byte[] readFrame() throws IOException {
        int len;
        try {
            len = in.readInt();
        } catch (EOFException e) {
            return null;
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return null; // reset by peer: closed as well
        }
        if (len < 0 || len > 1 << 20) {
            throw new IOException("frame length " + len);
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        return payload;
    }

    /**
     * Closes the session (the run's transcript is sealed by now, so nothing of this is recorded): a session
     * left to expire would take a zxid in the middle of a later scenario on the same server.
     */
    @Override
    public void close() throws IOException {
        try {
            if (sessionId != 0) {
                if (closed) {
                    reopen();
                    connect(Client.SESSION_TIMEOUT_MS, 0, sessionId, passwd, false);
                }
                if (!closed) {
                    request("closeSession", 1_000_000, -11, null);
                }
            }
        } finally {
            socket.close();
        }
    }
}
