package dev.keeper.server.console;

import dev.keeper.wire.OpCode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;

/**
 * A ZooKeeper client of the server's own client port, for the console's writes: a session of its own, the
 * caller's digest credential added to it, one request, and the session closed. Going through the port rather
 * than around it means a console write is an ordinary client write: the same checks (ACLs, quotas, versions),
 * the same transaction log, the same watch events, and in an ensemble the same path to the leader. Blocking, on a
 * thread of the console's own, never the HTTP or the processor thread.
 */
final class LocalClient implements AutoCloseable {
    /** A reply: its error code (0 for none) and the zxid the server stood at. */
    record Result(int err, long zxid) {
    }

    private static final int TIMEOUT_MS = 10_000;
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private int xid = 1;

    private LocalClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    /** Connects to {@code port} (a wildcard address means this host's loopback) and opens a session. */
    static LocalClient open(InetSocketAddress port) throws IOException {
        InetAddress host = port.getAddress() == null || port.getAddress().isAnyLocalAddress()
                ? InetAddress.getLoopbackAddress() : port.getAddress();
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port.getPort()), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            s.setTcpNoDelay(true);
            LocalClient c = new LocalClient(s);
            c.handshake();
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void handshake() throws IOException {
        ConnectRequest req = new ConnectRequest(0, 0, TIMEOUT_MS, 0, new byte[16], false);
        send(null, req);
        ConnectResponse resp = new ConnectResponse();
        BinaryInputArchive a = frame();
        resp.deserialize(a, "connect");
        if (resp.getTimeOut() <= 0) {
            throw new IOException("the server refused the console's session");
        }
    }

    /** addAuth: "digest", "user:password". AuthFailed comes back as the reply's error. */
    Result addAuth(String scheme, String credential) throws IOException {
        return call(-4, OpCode.AUTH, new AuthPacket(0, scheme, credential.getBytes(StandardCharsets.UTF_8)), null);
    }

    /** One request; {@code response} (or null) is filled from the reply when it carries no error. */
    Result call(int op, Record request, Record response) throws IOException {
        return call(xid++, op, request, response);
    }

    private Result call(int x, int op, Record request, Record response) throws IOException {
        send(new RequestHeader(x, op), request);
        while (true) {
            BinaryInputArchive a = frame();
            ReplyHeader h = new ReplyHeader();
            h.deserialize(a, "header");
            if (h.getXid() == -1 || h.getXid() == -2) {
                continue; // a watch event or a ping's answer: the console sets no watch and sends no ping
            }
            if (h.getXid() != x) {
                throw new IOException("reply to xid " + h.getXid() + " while waiting for " + x);
            }
            if (h.getErr() == 0 && response != null) {
                response.deserialize(a, "response");
            }
            return new Result(h.getErr(), h.getZxid());
        }
    }

    private void send(RequestHeader header, Record body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryOutputArchive a = BinaryOutputArchive.getArchive(bytes);
        if (header != null) {
            header.serialize(a, "header");
        }
        if (body != null) {
            body.serialize(a, "request");
        }
        out.writeInt(bytes.size());
        bytes.writeTo(out);
        out.flush();
    }

    private BinaryInputArchive frame() throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 16 << 20) {
            throw new IOException("bad frame length " + length);
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return BinaryInputArchive.getArchive(new java.io.ByteArrayInputStream(b));
    }

    /** Closes the session, then the socket. */
    @Override
    public void close() {
        try {
            call(OpCode.CLOSE_SESSION, null, null);
        } catch (IOException ignored) {
            // the server may close first; the session then expires on its own
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
