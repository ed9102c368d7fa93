package dev.keeper.compat.diff;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;

/**
 * A stock ZooKeeper client that writes what it sees into a {@link Recorder} channel of its own name: one line
 * per reply (the request, then its error code and every field of the result) and one per watch event (which
 * watcher, type, state, path and the zxid the notification carried).
 *
 * <p>Every operation goes through the asynchronous API, so replies and events reach the recorder through the
 * client's one EventThread in the order they arrived on the wire. Calls wait for their reply, unless made inside
 * {@link #pipelined}, where they are all sent before any reply is awaited.
 */
final class Client implements AutoCloseable {
    static final int SESSION_TIMEOUT_MS = 30_000;
    /** How an event line starts in a transcript. */
    static final String EVENT = "  event ";
    private static final long REPLY_TIMEOUT_MS = 10_000;

    private final String name;
    private final Recorder rec;
    private final ZooKeeper zk;
    private final Map<String, Watcher> watchers = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> fired = new ConcurrentHashMap<>();
    private final Semaphore connects = new Semaphore(0);
    private final Map<Watcher.Event.KeeperState, Semaphore> states = new ConcurrentHashMap<>();
    private List<Call<?>> inFlight;

    Client(String name, String connectString, int sessionTimeoutMs, Recorder rec)
            throws IOException, InterruptedException {
        this.name = name;
        this.rec = rec;
        rec.open(name);
        this.zk = new ZooKeeper(connectString, sessionTimeoutMs, w("default"));
        if (!connects.tryAcquire(REPLY_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            zk.close();
            throw new AssertionError(name + " did not connect to " + connectString);
        }
        rec.record(name, "connected timeout=", zk.getSessionTimeout(), " session=",
                new Token.SessionId(zk.getSessionId()));
    }

    String name() {
        return name;
    }

    ZooKeeper zk() {
        return zk;
    }

    long sessionId() {
        return zk.getSessionId();
    }

    /** The watcher named {@code label}: one object per label, recording each event it receives. */
    Watcher w(String label) {
        return watchers.computeIfAbsent(label, l -> event -> {
            if (event.getState() == Watcher.Event.KeeperState.Closed) {
                return; // made up by the client itself when closed: says nothing about the server
            }
            rec.record(name, EVENT.substring(2), l, " ", event.getType(), " ", event.getState(), " ", event.getPath(),
                    " zxid=", new Token.Zxid(event.getZxid()));
            if (event.getType() == Watcher.Event.EventType.None) {
                // The client tells every watcher of a state change; count it once, from the default watcher.
                if (!l.equals("default")) {
                    return;
                }
                if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connects.release();
                }
                states.computeIfAbsent(event.getState(), k -> new Semaphore(0)).release();
            } else {
                fired.computeIfAbsent(l, k -> new Semaphore(0)).release();
            }
        });
    }

    /** Waits for the next event (not a connection state change) delivered to the watcher {@code label}. */
    void awaitEvent(String label, long timeoutMs) throws InterruptedException {
        if (!fired.computeIfAbsent(label, k -> new Semaphore(0)).tryAcquire(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + ": no event for watcher " + label + " within " + timeoutMs + " ms");
        }
    }

    /** Waits for the default watcher to be told of the connection state {@code state} (Expired, say). */
    void awaitState(Watcher.Event.KeeperState state, long timeoutMs) throws InterruptedException {
        if (!states.computeIfAbsent(state, k -> new Semaphore(0)).tryAcquire(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + ": not " + state + " within " + timeoutMs + " ms");
        }
    }

    /** Waits until the client is connected again after a disconnect. */
    void awaitReconnected() throws InterruptedException {
        if (!connects.tryAcquire(2 * REPLY_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not reconnect");
        }
    }

    /** Sends every call {@code body} makes before awaiting any reply; the calls return null. */
    void pipelined(ThrowingRunnable body) throws Exception {
        inFlight = new ArrayList<>();
        try {
            body.run();
            for (Call<?> c : inFlight) {
                c.await();
            }
        } finally {
            inFlight = null;
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    // ---------------------------------------------------------------------------------------------------
    // Operations. Each returns what a scenario needs to go on (a name, a result), or null on an error.

    String create(String path, byte[] data, List<ACL> acl, CreateMode mode) throws InterruptedException {
        Call<String> c = new Call<>("create ", path, " ", mode, " data=", Render.data(data), aclNote(acl));
        return c.send(() -> zk.create(path, data, acl, mode, (rc, p, ctx, n) -> c.reply(rc, n, " ", n), null));
    }

    /** create2 (opcode 15; createContainer for CONTAINER mode): the reply carries the new node's Stat. */
    String create2(String path, byte[] data, List<ACL> acl, CreateMode mode) throws InterruptedException {
        Call<String> c = new Call<>("create2 ", path, " ", mode, " data=", Render.data(data), aclNote(acl));
        return c.send(() -> zk.create(path, data, acl, mode,
                (rc, p, ctx, n, stat) -> c.reply(rc, n, " ", n, " ", Render.stat(stat)), null));
    }

    /** createTTL (opcode 21) for the TTL modes: the reply carries the Stat, as create2's does. */
    String createTtl(String path, String data, CreateMode mode, long ttl) throws InterruptedException {
        Call<String> c = new Call<>("createTTL ", path, " ", mode, " ttl=", ttl, " data=", Render.data(bytes(data)));
        return c.send(() -> zk.create(path, bytes(data), ZooDefs.Ids.OPEN_ACL_UNSAFE, mode,
                (rc, p, ctx, n, stat) -> c.reply(rc, n, " ", n, " ", Render.stat(stat)), null, ttl));
    }

    String create2(String path, String data, CreateMode mode) throws InterruptedException {
        return create2(path, bytes(data), ZooDefs.Ids.OPEN_ACL_UNSAFE, mode);
    }

    String create(String path, String data, CreateMode mode) throws InterruptedException {
        return create(path, bytes(data), ZooDefs.Ids.OPEN_ACL_UNSAFE, mode);
    }

    Integer delete(String path, int version) throws InterruptedException {
        Call<Integer> c = new Call<>("delete ", path, " version=", version);
        return c.send(() -> zk.delete(path, version, (rc, p, ctx) -> c.reply(rc, rc), null));
    }

    Object exists(String path, Watcher watch) throws InterruptedException {
        Call<Object> c = new Call<>("exists ", path, watchNote(watch));
        return c.send(() -> zk.exists(path, watch, (rc, p, ctx, stat) -> c.reply(rc, stat, " ", Render.stat(stat)),
                null));
    }

    byte[] getData(String path, Watcher watch) throws InterruptedException {
        Call<byte[]> c = new Call<>("getData ", path, watchNote(watch));
        return c.send(() -> zk.getData(path, watch,
                (rc, p, ctx, data, stat) -> c.reply(rc, data, " data=", Render.data(data), " ", Render.stat(stat)),
                null));
    }

    Object setData(String path, byte[] data, int version) throws InterruptedException {
        Call<Object> c = new Call<>("setData ", path, " data=", Render.data(data), " version=", version);
        return c.send(() -> zk.setData(path, data, version,
                (rc, p, ctx, stat) -> c.reply(rc, stat, " ", Render.stat(stat)), null));
    }

    Object setData(String path, String data, int version) throws InterruptedException {
        return setData(path, bytes(data), version);
    }

    /** getChildren (opcode 8): names only. */
    List<String> getChildren(String path, Watcher watch) throws InterruptedException {
        Call<List<String>> c = new Call<>("getChildren ", path, watchNote(watch));
        return c.send(() -> zk.getChildren(path, watch,
                (rc, p, ctx, children) -> c.reply(rc, children, " ", Render.sorted(children)), null));
    }

    /** getChildren2 (opcode 12): names and the parent's Stat. */
    List<String> getChildren2(String path, Watcher watch) throws InterruptedException {
        Call<List<String>> c = new Call<>("getChildren2 ", path, watchNote(watch));
        return c.send(() -> zk.getChildren(path, watch, (rc, p, ctx, children, stat) -> c.reply(rc, children, " ",
                Render.sorted(children), " ", Render.stat(stat)), null));
    }

    /** multi (14), or multiRead (22) when every op reads; a failed multi shows every per-op result too. */
    Integer multi(List<Op> ops) throws InterruptedException {
        Call<Integer> c = new Call<>("multi ", describe(ops));
        return c.send(() -> zk.multi(ops, (rc, p, ctx, results) -> c.replyAlways(rc, rc, " ",
                Render.results(results)), null));
    }

    Integer sync(String path) throws InterruptedException {
        Call<Integer> c = new Call<>("sync ", path);
        return c.send(() -> zk.sync(path, (rc, p, ctx) -> c.reply(rc, rc, " path=", p), null));
    }

    List<ACL> getACL(String path) throws InterruptedException {
        Call<List<ACL>> c = new Call<>("getACL ", path);
        return c.send(() -> zk.getACL(path, null,
                (rc, p, ctx, acl, stat) -> c.reply(rc, acl, " ", Render.acl(acl), " ", Render.stat(stat)), null));
    }

    Object setACL(String path, List<ACL> acl, int version) throws InterruptedException {
        Call<Object> c = new Call<>("setACL ", path, " ", Render.acl(acl), " version=", version);
        return c.send(() -> zk.setACL(path, acl, version,
                (rc, p, ctx, stat) -> c.reply(rc, stat, " ", Render.stat(stat)), null));
    }

    /** auth (100): fire-and-forget in the client; a failure would come back as an AuthFailed event. */
    void addAuth(String scheme, String auth) {
        rec.record(name, "addAuth ", scheme, " ", auth);
        zk.addAuthInfo(scheme, bytes(auth));
    }

    List<String> getEphemerals(String prefix) throws InterruptedException {
        Call<List<String>> c = new Call<>("getEphemerals ", prefix);
        return c.send(() -> zk.getEphemerals(prefix,
                (rc, ctx, paths) -> c.reply(rc, paths, " ", Render.sorted(paths)), null));
    }

    Integer getAllChildrenNumber(String path) throws InterruptedException {
        Call<Integer> c = new Call<>("getAllChildrenNumber ", path);
        return c.send(() -> zk.getAllChildrenNumber(path, (rc, p, ctx, n) -> c.reply(rc, n, " ", n), null));
    }

    Integer addWatch(String path, Watcher watch, AddWatchMode mode) throws InterruptedException {
        Call<Integer> c = new Call<>("addWatch ", path, " ", mode, watchNote(watch));
        return c.send(() -> zk.addWatch(path, watch, mode, (rc, p, ctx) -> c.reply(rc, rc), null));
    }

    /** removeWatches for one watcher: the client sends checkWatches (17), then drops its own registration. */
    Integer removeWatches(String path, Watcher watch, Watcher.WatcherType type, boolean local)
            throws InterruptedException {
        Call<Integer> c = new Call<>("removeWatches ", path, " ", type, watchNote(watch), " local=", local);
        return c.send(() -> zk.removeWatches(path, watch, type, local, (rc, p, ctx) -> c.reply(rc, rc), null));
    }

    /** removeAllWatches: the client sends removeWatches (18). */
    Integer removeAllWatches(String path, Watcher.WatcherType type, boolean local) throws InterruptedException {
        Call<Integer> c = new Call<>("removeAllWatches ", path, " ", type, " local=", local);
        return c.send(() -> zk.removeAllWatches(path, type, local, (rc, p, ctx) -> c.reply(rc, rc), null));
    }

    /**
     * whoAmI (107) exists only as a blocking call in the 3.9 client, which ignores the reply's error code. The
     * ids stay in the server's order.
     */
    List<ClientInfo> whoAmI() throws InterruptedException {
        List<ClientInfo> infos = zk.whoAmI();
        if (infos == null) {
            rec.record(name, "whoAmI -> null");
            return null;
        }
        List<String> shown = new ArrayList<>();
        for (ClientInfo i : infos) {
            shown.add(i.getAuthScheme() + ":" + i.getUser());
        }
        rec.record(name, "whoAmI -> ", shown.toString());
        return infos;
    }

    /** A round trip nobody records: every event the server queued for us before it has now been recorded. */
    void barrier() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        zk.sync("/", (rc, p, ctx) -> done.countDown(), null);
        if (!done.await(REPLY_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + ": no reply to the closing barrier");
        }
    }

    /** Closes the session (closeSession, opcode -11), recorded. */
    void closeSession() throws InterruptedException {
        zk.close();
        rec.record(name, "closed");
    }

    @Override
    public void close() {
        try {
            zk.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------------

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private String watchNote(Watcher w) {
        if (w == null) {
            return "";
        }
        for (Map.Entry<String, Watcher> e : watchers.entrySet()) {
            if (e.getValue() == w) {
                return " watch=" + e.getKey();
            }
        }
        return " watch=?";
    }

    private static String aclNote(List<ACL> acl) {
        return acl == ZooDefs.Ids.OPEN_ACL_UNSAFE ? "" : " acl=" + Render.acl(acl);
    }

    private static String describe(List<Op> ops) {
        List<String> out = new ArrayList<>();
        for (Op op : ops) {
            String kind = switch (op.getType()) {
                case ZooDefs.OpCode.create -> "create";
                case ZooDefs.OpCode.create2 -> "create2";
                case ZooDefs.OpCode.createContainer -> "createContainer";
                case ZooDefs.OpCode.createTTL -> "createTTL";
                case ZooDefs.OpCode.delete -> "delete";
                case ZooDefs.OpCode.setData -> "setData";
                case ZooDefs.OpCode.check -> "check";
                case ZooDefs.OpCode.getData -> "getData";
                case ZooDefs.OpCode.getChildren -> "getChildren";
                default -> "op" + op.getType();
            };
            out.add(kind + " " + op.getPath());
        }
        return out.toString();
    }

    /** One request in flight: its description, and the line its reply completes. */
    private final class Call<T> {
        private final Object[] request;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile T value;

        Call(Object... request) {
            this.request = request;
        }

        T send(Runnable s) throws InterruptedException {
            try {
                s.run();
            } catch (RuntimeException e) {
                // The client library refused to send it (path validation and the like): same for both servers.
                rec.record(name, request, " -> rejected by the client: ", e.getClass().getSimpleName());
                return null;
            }
            if (inFlight != null) {
                inFlight.add(this);
                return null;
            }
            await();
            return value;
        }

        void await() throws InterruptedException {
            if (!done.await(REPLY_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + ": no reply within " + REPLY_TIMEOUT_MS + " ms to "
                        + java.util.Arrays.toString(request));
            }
        }

        /** The reply: its code, and the result's fields when it succeeded. */
        void reply(int rc, T v, Object... result) {
            complete(rc, v, rc == 0 ? result : new Object[0]);
        }

        /** The reply: its code and the result's fields whatever the code (a failed multi's per-op results). */
        void replyAlways(int rc, T v, Object... result) {
            complete(rc, v, result);
        }

        private void complete(int rc, T v, Object[] result) {
            value = rc == 0 ? v : null;
            rec.record(name, request, " -> ", Render.code(rc), result);
            done.countDown();
        }
    }
}
