package dev.keeper.bench;

import dev.keeper.wire.Jute;
import dev.keeper.wire.OpCode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.RequestHeader;

/**
 * Many ZooKeeper sessions spoken directly on blocking sockets, a socket and two buffers each (no client threads,
 * no client-side watch table): enough to set a million watches from the benchmark's process. Each session connects,
 * then sets data watches with pipelined {@code getData(path, watch=true)} (a batch written, its replies read);
 * watch notifications and ping replies that arrive meanwhile are skipped. Once started, a pinger keeps every
 * session alive (a ping every {@link #PING_EVERY_MS}) until {@link #close()}.
 */
final class RawWatchSessions implements AutoCloseable {
    static final long PING_EVERY_MS = 5_000;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 120_000;

    /** One session: its socket, and a lock for writes (the pinger writes too). */
    private static final class Session {
        final Socket socket;
        final DataOutputStream out;
        final DataInputStream in;
        final long id;
        int nextXid = 1;

        Session(Socket socket, DataOutputStream out, DataInputStream in, long id) {
            this.socket = socket;
            this.out = out;
            this.in = in;
            this.id = id;
        }
    }

    private final List<Session> sessions;
    private ScheduledExecutorService pinger;
    private final AtomicReference<String> pingFailure = new AtomicReference<>();

    private RawWatchSessions(List<Session> sessions) {
        this.sessions = sessions;
    }

    /** Opens {@code count} sessions to 127.0.0.1:{@code port}, one after another, each asking {@code timeoutMs}. */
    static RawWatchSessions open(int port, int count, int timeoutMs) throws IOException {
        List<Session> list = new ArrayList<>();
        RawWatchSessions opened = new RawWatchSessions(list);
        try {
            for (int i = 0; i < count; i++) {
                list.add(connect(port, timeoutMs));
            }
            return opened;
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    private static Session connect(int port, int timeoutMs) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 64 * 1024));
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 64 * 1024));
            // Protocol version 0, no last zxid, a new session, 16 zero bytes of password, not read-only.
            byte[] connect = Jute.toBytes(new ConnectRequest(0, 0, timeoutMs, 0, new byte[16], false));
            out.writeInt(connect.length);
            out.write(connect);
            out.flush();
            byte[] reply = new byte[in.readInt()];
            in.readFully(reply);
            DataInputStream r = new DataInputStream(new java.io.ByteArrayInputStream(reply));
            r.readInt(); // protocol version
            int negotiated = r.readInt();
            long id = r.readLong();
            if (negotiated <= 0 || id == 0) {
                throw new IOException("session refused (timeout " + negotiated + ")");
            }
            return new Session(s, out, in, id);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    int size() {
        return sessions.size();
    }

    /** Pings every session every {@link #PING_EVERY_MS} from now on, so none expires while idle. */
    void startPinging() {
        if (pinger != null) {
            return;
        }
        pinger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "raw-sessions-ping");
            t.setDaemon(true);
            return t;
        });
        byte[] ping = Jute.toBytes(new RequestHeader(OpCode.XID_PING, OpCode.PING));
        pinger.scheduleAtFixedRate(() -> {
            for (Session s : sessions) {
                synchronized (s) {
                    try {
                        s.out.writeInt(ping.length);
                        s.out.write(ping);
                        s.out.flush();
                    } catch (IOException e) {
                        pingFailure.compareAndSet(null, "ping of session 0x" + Long.toHexString(s.id) + ": " + e);
                    }
                }
            }
        }, PING_EVERY_MS, PING_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    /** The first ping that could not be sent, or null. */
    String pingFailure() {
        return pingFailure.get();
    }

    /**
     * Every session sets a data watch on every path ({@code getData(path, true)}), {@code window} requests written
     * at a time per session, sessions spread over {@code threads} threads. Every reply must be OK.
     */
    void watchAll(List<String> paths, int threads, int window) throws IOException, InterruptedException {
        List<byte[]> requests = new ArrayList<>(paths.size());
        for (String p : paths) {
            requests.add(Jute.toBytes(new GetDataRequest(p, true)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "raw-sessions-watch");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger next = new AtomicInteger();
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                done.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < sessions.size(); i = next.getAndIncrement()) {
                        watch(sessions.get(i), requests, paths, window);
                    }
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    throw c instanceof IOException io ? io : new IOException(String.valueOf(c), c);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void watch(Session s, List<byte[]> requests, List<String> paths, int window) throws IOException {
        for (int from = 0; from < requests.size(); from += window) {
            int to = Math.min(requests.size(), from + window);
            int firstXid;
            synchronized (s) {
                firstXid = s.nextXid;
                for (int i = from; i < to; i++) {
                    byte[] body = requests.get(i);
                    s.out.writeInt(8 + body.length);
                    s.out.writeInt(s.nextXid++);
                    s.out.writeInt(OpCode.GET_DATA);
                    s.out.write(body);
                }
                s.out.flush();
            }
            int replies = 0;
            while (replies < to - from) {
                int length = s.in.readInt();
                int xid = s.in.readInt();
                s.in.readLong(); // zxid
                int err = s.in.readInt();
                s.in.skipNBytes(length - 16);
                if (xid == OpCode.XID_PING || xid == OpCode.XID_NOTIFICATION) {
                    continue;
                }
                if (xid != firstXid + replies) {
                    throw new IOException("session 0x" + Long.toHexString(s.id) + ": reply xid " + xid + ", expected "
                            + (firstXid + replies));
                }
                if (err != 0) {
                    throw new IOException("getData(" + paths.get(from + replies) + ", watch) on session 0x"
                            + Long.toHexString(s.id) + " failed with error " + err);
                }
                replies++;
            }
        }
    }

    /** Closes every socket (the server then ends the sessions as dropped connections, or at their timeout). */
    @Override
    public void close() {
        if (pinger != null) {
            pinger.shutdownNow();
        }
        for (Session s : sessions) {
            try {
                s.socket.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
        }
    }
}
