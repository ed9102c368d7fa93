package dev.keeper.compat.javaclient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.Optional;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;

/**
 * The session handshake written by hand with the Jute records of {@code zookeeper-jute}, for what a stock client
 * will not send on demand (a {@code lastZxidSeen} of our choosing), and to read the {@link ConnectResponse} a
 * {@link LoopbackProxy} saw go by.
 */
final class RawHandshake {
    private RawHandshake() {
    }

    /** Sends one ConnectRequest; returns the reply, or empty if the server closed the connection instead. */
    static Optional<ConnectResponse> connect(int port, long lastZxidSeen, int timeoutMs) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) Clients.WAIT.toMillis());
            ConnectRequest req = new ConnectRequest(0, lastZxidSeen, timeoutMs, 0L, new byte[16], false);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            req.serialize(BinaryOutputArchive.getArchive(body), "connect");
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(body.size());
            body.writeTo(out);
            out.flush();
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
