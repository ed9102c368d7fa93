package dev.keeper.compat.persist;

import dev.keeper.server.ServerClock;
import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.persist.DataDir;
import dev.keeper.server.persist.Disk;
import dev.keeper.server.persist.FileTxnLog;
import dev.keeper.server.persist.Purge;
import dev.keeper.server.testing.RecordingDisk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * The writes a power-cut run makes, and what each was told: our server on a {@link RecordingDisk}, several
 * sessions of the stock Java client each writing as fast as a window of outstanding requests allows — creates,
 * setData, deletes, multis, ephemerals, sequential nodes, some values large enough to span pages — with a small
 * snapCount and preAllocSize so that logs roll and snapshots are taken all along.
 *
 * <p>Two phases: the first sessions write, close (their ephemerals go) and the server stops; old files are
 * purged and the server starts again on the same directory (recovery, a start-up snapshot, a new log), and new
 * sessions write. Each write records the journal's sequence number when its acknowledgement arrived, and its
 * zxid where the reply carries one (creates, setData, a multi's setData).
 *
 * <p>Every session writes only under its own node, so its writes are applied in the order it sent them, and
 * what a recovered tree holds of them must be the effect of a prefix of that order.
 */
final class PowerCutWorkload {
    static final int WINDOW = 16;
    static final int LARGE = 6000;

    enum Kind { CREATE, SET, DELETE, MULTI, EPHEMERAL, SEQUENTIAL, CLOSE }

    /** One write a session sent; {@code paths} are the nodes it creates, changes or deletes. */
    static final class Sent {
        final Writer writer;
        final int index;
        final Kind kind;
        final List<String> paths;
        final String value;
        volatile long ackSeq = -1;
        volatile long zxid = -1;
        /** A sequential node's name, as the reply gave it; a close: the ephemerals it removes. */
        volatile List<String> created = List.of();

        Sent(Writer writer, int index, Kind kind, List<String> paths, String value) {
            this.writer = writer;
            this.index = index;
            this.kind = kind;
            this.paths = paths;
            this.value = value;
        }

        /** What this write does to its session's nodes: path → value (data, and "@owner" for an ephemeral). */
        void applyTo(Map<String, String> state) {
            switch (kind) {
                case CREATE -> state.put(paths.get(0), value);
                case SET -> state.put(paths.get(0), value);
                case DELETE -> state.remove(paths.get(0));
                case MULTI -> {
                    state.put(paths.get(0), value);
                    state.put(paths.get(1), value);
                    state.put(paths.get(2), value);
                }
                case EPHEMERAL -> state.put(paths.get(0), value + "@" + Long.toHexString(writer.session));
                case SEQUENTIAL -> state.put(created.get(0), value);
                case CLOSE -> created.forEach(state::remove);
                default -> throw new IllegalStateException();
            }
        }

        /** The nodes {@link #applyTo} may change. */
        List<String> touched() {
            return kind == Kind.SEQUENTIAL || kind == Kind.CLOSE ? created : paths;
        }

        @Override
        public String toString() {
            return "session " + writer.name + " write #" + index + " " + kind + " " + touched()
                    + (zxid >= 0 ? " zxid 0x" + Long.toHexString(zxid) : "") + " acknowledged at journal op " + ackSeq;
        }
    }

    final RecordingDisk journal;
    final List<Writer> writers = new CopyOnWriteArrayList<>();
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final Disk disk;
    private final FileTxnLog.Syncer syncer;
    private final ServerConfig config;

    private PowerCutWorkload(Path data, RecordingDisk journal, Disk disk, FileTxnLog.Syncer syncer) {
        this.journal = journal;
        this.disk = disk;
        this.syncer = syncer;
        this.config = config(data).build();
    }

    static ServerConfig.Builder config(Path data) {
        return ServerConfig.builder().dataDir(data).clientPortAddress("127.0.0.1").clientPort(0).snapCount(300)
                .preAllocSize(4096).tickTime(2000).maxSessionTimeout(60_000);
    }

    /**
     * Runs both phases of writes on {@code data} and returns once every write is acknowledged and the server
     * stopped. The server writes through {@code disk}, which is {@code journal} itself or wraps it.
     */
    static PowerCutWorkload run(Path data, RecordingDisk journal, Disk disk, FileTxnLog.Syncer syncer,
            int sessions, int writesPerSession, Random rng) throws Exception {
        PowerCutWorkload w = new PowerCutWorkload(data, journal, disk, syncer);
        for (int phase = 0; phase < 2; phase++) {
            if (phase > 0) {
                try (DataDir dir = DataDir.open(data, null, disk)) {
                    Purge.purge(dir, 3);
                }
            }
            try (ZkServer server = ZkServer.start(w.config, ServerClock.SYSTEM, syncer, disk)) {
                List<Writer> phaseWriters = new ArrayList<>();
                for (int s = 0; s < sessions; s++) {
                    phaseWriters.add(w.new Writer("p" + phase + "w" + s, server.port(), new Random(rng.nextLong())));
                }
                w.writers.addAll(phaseWriters);
                List<Thread> threads = new ArrayList<>();
                for (Writer writer : phaseWriters) {
                    Thread t = new Thread(() -> writer.write(writesPerSession), "powercut-" + writer.name);
                    threads.add(t);
                    t.start();
                }
                for (Thread t : threads) {
                    t.join(TimeUnit.MINUTES.toMillis(3));
                }
            }
        }
        for (Writer writer : w.writers) {
            writer.sent.stream().filter(s -> s.ackSeq < 0).findFirst()
                    .ifPresent(s -> w.problems.add(s + ": never answered"));
        }
        if (!w.problems.isEmpty()) {
            throw new AssertionError("writes answered unexpectedly: " + w.problems.subList(0,
                    Math.min(10, w.problems.size())));
        }
        return w;
    }

    /** One session, writing under {@code /<name>}. */
    final class Writer {
        final String name;
        final String base;
        final List<Sent> sent = new ArrayList<>();
        final long session;
        private final ZooKeeper zk;
        private final Random rng;
        private final Semaphore window = new Semaphore(WINDOW);
        private final List<String> persistent = new ArrayList<>();
        private final List<String> ephemeral = new ArrayList<>();
        private final List<Sent> sequential = new CopyOnWriteArrayList<>();
        private final List<String> liveEphemerals = new ArrayList<>();

        Writer(String name, int port, Random rng) throws Exception {
            this.name = name;
            this.base = "/" + name;
            this.rng = rng;
            CountDownLatch up = new CountDownLatch(1);
            this.zk = new ZooKeeper("127.0.0.1:" + port, 30_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    up.countDown();
                }
            });
            if (!up.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " could not connect");
            }
            this.session = zk.getSessionId();
        }

        void write(int writes) {
            try {
                send(Kind.CREATE, List.of(base), "base");
                send(Kind.CREATE, List.of(base + "/q"), "q");
                for (int i = 0; i < writes; i++) {
                    window.acquire();
                    sendNext();
                }
                window.acquire(WINDOW);
                Sent close = new Sent(this, sent.size(), Kind.CLOSE, List.of(), null);
                close.created = List.copyOf(liveEphemerals);
                sent.add(close);
                zk.close(30_000);
                close.ackSeq = journal.next();
            } catch (Exception e) {
                problems.add(name + ": " + e);
            }
        }

        private void send(Kind kind, List<String> paths, String value) throws InterruptedException {
            window.acquire();
            issue(new Sent(this, sent.size(), kind, paths, value));
        }

        private void sendNext() {
            int k = sent.size();
            String value = rng.nextInt(40) == 0 ? large(k) : name + "-" + k;
            int p = rng.nextInt(100);
            Sent s;
            if (p < 25 || persistent.size() < 3) {
                s = new Sent(this, k, Kind.CREATE, List.of(base + "/n" + k), value);
            } else if (p < 50) {
                String target = rng.nextInt(4) == 0 ? base : persistent.get(rng.nextInt(persistent.size()));
                s = new Sent(this, k, Kind.SET, List.of(target), value);
            } else if (p < 58) {
                s = new Sent(this, k, Kind.DELETE, List.of(persistent.remove(rng.nextInt(persistent.size()))), null);
            } else if (p < 68) {
                s = new Sent(this, k, Kind.MULTI, List.of(base + "/m" + k + "a", base + "/m" + k + "b", base),
                        value);
            } else if (p < 78) {
                s = new Sent(this, k, Kind.EPHEMERAL, List.of(base + "/e" + k), value);
            } else if (p < 84 && !ephemeral.isEmpty()) {
                s = new Sent(this, k, Kind.DELETE, List.of(ephemeral.remove(rng.nextInt(ephemeral.size()))), null);
            } else if (p < 90 && sequential.size() > 2) {
                // a sequential node whose name has come back: deleting it must not free its number
                Sent seq = sequential.remove(rng.nextInt(sequential.size()));
                s = new Sent(this, k, Kind.DELETE, List.of(seq.created.get(0)), null);
            } else {
                s = new Sent(this, k, Kind.SEQUENTIAL, List.of(base + "/q/s-"), value);
            }
            issue(s);
        }

        private static String large(int k) {
            char[] pad = new char[LARGE];
            Arrays.fill(pad, (char) ('a' + k % 26));
            return k + new String(pad);
        }

        /** Sends a write and tracks the nodes it leaves, as the session will have them once it is applied. */
        private void issue(Sent s) {
            sent.add(s);
            byte[] data = s.value == null ? null : s.value.getBytes(StandardCharsets.ISO_8859_1);
            switch (s.kind) {
                case CREATE -> {
                    if (s.paths.get(0).startsWith(base + "/n")) {
                        persistent.add(s.paths.get(0));
                    }
                    zk.create(s.paths.get(0), data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            created(s), null);
                }
                case EPHEMERAL -> {
                    ephemeral.add(s.paths.get(0));
                    liveEphemerals.add(s.paths.get(0));
                    zk.create(s.paths.get(0), data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL,
                            created(s), null);
                }
                case SEQUENTIAL -> zk.create(s.paths.get(0), data, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT_SEQUENTIAL, created(s), null);
                case SET -> zk.setData(s.paths.get(0), data, -1, (rc, path, ctx, stat) -> acked(s, rc, stat), null);
                case DELETE -> {
                    liveEphemerals.remove(s.paths.get(0));
                    zk.delete(s.paths.get(0), -1, (rc, path, ctx) -> acked(s, rc, null), null);
                }
                case MULTI -> zk.multi(List.of(
                        Op.create(s.paths.get(0), data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                        Op.create(s.paths.get(1), data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                        Op.setData(s.paths.get(2), data, -1)), multied(s), null);
                default -> throw new IllegalStateException();
            }
        }

        private AsyncCallback.Create2Callback created(Sent s) {
            return (rc, path, ctx, name, stat) -> {
                if (rc == 0) {
                    s.created = List.of(name);
                    if (s.kind == Kind.SEQUENTIAL) {
                        sequential.add(s);
                    }
                }
                acked(s, rc, stat == null ? null : stat);
            };
        }

        private AsyncCallback.MultiCallback multied(Sent s) {
            return (rc, path, ctx, results) -> {
                Stat stat = null;
                if (rc == 0 && results.get(2) instanceof OpResult.SetDataResult set) {
                    stat = set.getStat();
                }
                acked(s, rc, stat);
            };
        }

        private void acked(Sent s, int rc, Stat stat) {
            s.ackSeq = journal.next();
            if (rc != 0) {
                problems.add(s + " answered " + Code.get(rc));
            } else if (stat != null) {
                s.zxid = s.kind == Kind.SET || s.kind == Kind.MULTI ? stat.getMzxid() : stat.getCzxid();
            }
            window.release();
        }
    }
}
