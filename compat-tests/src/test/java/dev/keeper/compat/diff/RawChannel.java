package dev.keeper.compat.diff;

import dev.keeper.compat.support.RawClient;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import org.apache.jute.Record;

/**
 * A {@link RawClient} whose every exchange goes into one channel of the scenario's transcript, for what no stock
 * client will send: an opcode the server does not know, {@code check} outside a multi, a truncated body, a
 * ConnectRequest without its read-only byte. Everything the server sends back is recorded: replies field by
 * field with their body bytes in hex (so reply headers are compared byte for byte), and whether the server
 * closed the connection.
 */
final class RawChannel implements AutoCloseable {
    private static final int READ_TIMEOUT_MS = 5_000;
    private static final Duration READ_TIMEOUT = Duration.ofMillis(READ_TIMEOUT_MS);

    private final String channel;
    private final Recorder rec;
    private final CreatedSessions created;
    private final int port;
    private RawClient raw;
    private boolean closed;
    private long sessionId;
    private byte[] passwd = new byte[16];

    /** A connection to {@code port}; sessions the server creates for it are added to {@code created}. */
    RawChannel(String channel, int port, Recorder rec, CreatedSessions created) throws IOException {
        this.channel = channel;
        this.rec = rec;
        this.created = created;
        this.port = port;
        rec.open(channel);
        raw = RawClient.connect(port);
    }

    /** A new connection (the server closed the last one); the session, if any, is remembered. */
    void reopen() throws IOException {
        raw.close();
        raw = RawClient.connect(port);
        closed = false;
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
        raw.sendConnect(timeout, lastZxidSeen, session, password, readOnly);
        rec.record(channel, "connect timeout=", timeout, " lastZxidSeen=", lastZxidSeen,
                " session=", new Token.SessionId(session), " readOnlyByte=", readOnly == null ? "absent" : readOnly);
        byte[] frame = raw.readFrame(READ_TIMEOUT);
        if (frame == null) {
            closed = true;
            rec.record(channel, "  -> connection closed by the server");
            return;
        }
        // Decoded here rather than as a ConnectResponse: the transcript shows whether the read-only byte came,
        // and any bytes after it.
        ByteBuffer b = ByteBuffer.wrap(frame);
        int protocolVersion = b.getInt();
        int negotiated = b.getInt();
        long id = b.getLong();
        byte[] pw = new byte[b.getInt()];
        b.get(pw);
        String ro = b.hasRemaining() ? Boolean.toString(b.get() != 0) : "absent";
        if (id != 0 && negotiated > 0) {
            if (session == 0) {
                created.add(channel, id, pw);
            }
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
        rec.record(channel, what);
        raw.send(xid, type, body);
        readReply(type);
    }

    /** Sends a request header followed by {@code body} exactly as given (a truncated record, say). */
    void requestRaw(String what, int xid, int type, byte[] body) throws IOException {
        rec.record(channel, what);
        raw.sendRaw(xid, type, body);
        readReply(type);
    }

    /** Reads frames up to and including the next reply (notifications before it are recorded too). */
    private void readReply(int type) throws IOException {
        while (true) {
            byte[] frame = raw.readFrame(READ_TIMEOUT);
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
            frame = raw.readFrame(READ_TIMEOUT);
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
            raw.close();
        }
    }
}
