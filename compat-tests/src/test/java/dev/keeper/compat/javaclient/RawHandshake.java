package dev.keeper.compat.javaclient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;

/**
 * The session protocol written by hand with the Jute records of {@code zookeeper-jute}, for what a stock client
 * will not do on demand: send a {@code lastZxidSeen} of our choosing, or hold a session's connection open while
 * never pinging. Also reads the {@link ConnectResponse} a {@link LoopbackProxy} saw go by.
 */
final class RawHandshake implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final ConnectResponse response;

    private RawHandshake(Socket socket, ConnectResponse response) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
        this.response = response;
    }

    /** Sends one ConnectRequest; returns the reply, or empty if the server closed the connection instead. */
    static Optional<ConnectResponse> connect(int port, long lastZxidSeen, int timeoutMs) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return handshake(s, lastZxidSeen, timeoutMs);
        }
    }

    /** A session whose connection stays open, for requests sent by hand; it sends no pings. */
    static RawHandshake open(int port, int timeoutMs) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        try {
            ConnectResponse rsp = handshake(s, 0, timeoutMs)
                    .orElseThrow(() -> new IOException("the server refused a new session"));
            return new RawHandshake(s, rsp);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static Optional<ConnectResponse> handshake(Socket s, long lastZxidSeen, int timeoutMs)
            throws IOException {
        s.setSoTimeout((int) Clients.WAIT.toMillis());
        writeFrame(new DataOutputStream(s.getOutputStream()),
                new ConnectRequest(0, lastZxidSeen, timeoutMs, 0L, new byte[16], false));
        DataInputStream in = new DataInputStream(s.getInputStream());
        int length;
        try {
            length = in.readInt();
        } catch (EOFException | SocketException closed) {
            return Optional.empty();
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        return Optional.of(decode(frame));
    }

    ConnectResponse response() {
        return response;
    }

    /** Sends one request and returns the error code of its reply (watch notifications in between are skipped). */
    int call(int xid, int opCode, Record body) throws IOException {
        writeFrame(out, new RequestHeader(xid, opCode), body);
        while (true) {
            byte[] frame = new byte[in.readInt()];
            in.readFully(frame);
            ReplyHeader h = new ReplyHeader();
            h.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(frame)), "header");
            if (h.getXid() == xid) {
                return h.getErr();
            }
        }
    }

    /** Blocks until the server closes the connection; false if it is still open after {@code timeoutMs}. */
    boolean awaitClosedByServer(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        try {
            while (in.read() >= 0) {
                // a notification or a late reply: keep reading until the end of the stream
            }
            return true;
        } catch (SocketException reset) {
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static void writeFrame(DataOutputStream out, Record... records) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryOutputArchive archive = BinaryOutputArchive.getArchive(body);
        for (Record r : records) {
            r.serialize(archive, "record");
        }
        out.writeInt(body.size());
        body.writeTo(out);
        out.flush();
    }

    /** Decodes a length-prefixed ConnectResponse from the first bytes a server sent on a connection. */
    static Optional<ConnectResponse> parseFramed(byte[] bytes) throws IOException {
        if (bytes.length < 4) {
            return Optional.empty();
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int length = in.readInt();
        byte[] frame = new byte[Math.min(length, bytes.length - 4)];
        in.readFully(frame);
        return Optional.of(decode(frame));
    }

    /** The fields every ConnectResponse has; the trailing read-only flag is optional on the wire, so not read. */
    private static ConnectResponse decode(byte[] frame) throws IOException {
        BinaryInputArchive in = BinaryInputArchive.getArchive(new ByteArrayInputStream(frame));
        ConnectResponse rsp = new ConnectResponse();
        rsp.setProtocolVersion(in.readInt("protocolVersion"));
        rsp.setTimeOut(in.readInt("timeOut"));
        rsp.setSessionId(in.readLong("sessionId"));
        rsp.setPasswd(in.readBuffer("passwd"));
        return rsp;
    }
}
