package dev.keeper.server.persist;

import dev.keeper.server.tree.DataTree;
import dev.keeper.server.tree.Znode;
import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.Jute;
import dev.keeper.wire.OpCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.ErrorTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.Txn;
import org.apache.zookeeper.txn.TxnHeader;

/**
 * A scripted history of transactions as the server would log them — sessions, creates (plain, ephemeral, with
 * an ACL of their own), setData, multi, error txns, deletes — with real {@code parentCVersion}s and versions,
 * and data that holds zero bytes and 'B's (the bytes the log reader treats specially). Plus the tools the
 * recovery tests share: building trees, writing logs and snapshots, and printing a tree to compare.
 */
final class History {
    static final long SESSION = 0x1000000000001L;
    static final List<ACL> OPEN = List.of(new ACL(31, new Id("world", "anyone")));
    static final List<ACL> PRIVATE = List.of(new ACL(31, new Id("digest", "alice:abc=")));

    private final List<LogEntry> entries = new ArrayList<>();
    private final Map<String, Integer> versions = new HashMap<>();
    private final List<String> live = new ArrayList<>();
    private int rootCreates;
    private int dirCreates;

    private History() {
    }

    /** Transactions 1..n. */
    static List<LogEntry> of(int n) {
        History h = new History();
        h.add(OpCode.CREATE_SESSION, new CreateSessionTxn(30_000));
        h.add(OpCode.CREATE, new CreateTxn("/dir", data(1), OPEN, false, ++h.rootCreates));
        h.versions.put("/dir", 0);
        while (h.entries.size() < n) {
            h.next();
        }
        return h.entries;
    }

    private void next() {
        long z = entries.size() + 1;
        switch ((int) (z % 7)) {
            case 0 -> create("/dir/n" + z, false);
            case 1 -> setData(live.isEmpty() ? "/dir" : live.get(live.size() - 1), z);
            case 2 -> multi(z);
            case 3 -> add(OpCode.ERROR, new ErrorTxn(ErrorCode.NODE_EXISTS));
            case 4 -> create("/dir/e" + z, true);
            case 5 -> {
                if (live.size() > 2) {
                    String p = live.remove(0);
                    versions.remove(p);
                    add(OpCode.DELETE, new DeleteTxn(p));
                } else {
                    setData("/dir", z);
                }
            }
            default -> create("/r" + z, false);
        }
    }

    private void create(String path, boolean ephemeral) {
        boolean underDir = path.startsWith("/dir/");
        int cv = underDir ? ++dirCreates : ++rootCreates;
        List<ACL> acl = entries.size() % 3 == 0 ? PRIVATE : OPEN;
        add(OpCode.CREATE, new CreateTxn(path, data(entries.size() + 1), acl, ephemeral, cv));
        versions.put(path, 0);
        if (underDir && !ephemeral) {
            live.add(path);
        }
    }

    private void setData(String path, long z) {
        int v = versions.merge(path, 1, Integer::sum);
        add(OpCode.SET_DATA, new SetDataTxn(path, data(z), v));
    }

    private void multi(long z) {
        String p = "/dir/m" + z;
        int cv = ++dirCreates;
        int v = versions.merge("/dir", 1, Integer::sum);
        List<Txn> ops = List.of(
                new Txn(OpCode.CREATE, Jute.toBytes(new CreateTxn(p, data(z), OPEN, false, cv))),
                new Txn(OpCode.SET_DATA, Jute.toBytes(new SetDataTxn("/dir", data(z + 1000), v))));
        versions.put(p, 0);
        live.add(p);
        add(OpCode.MULTI, new MultiTxn(ops));
    }

    private void add(int type, Record txn) {
        long z = entries.size() + 1;
        entries.add(new LogEntry(new TxnHeader(SESSION, (int) z, z, 1_700_000_000_000L + z, type), txn));
    }

    /** Data of varying length with zeros inside and at the end, and a 'B'. */
    static byte[] data(long z) {
        byte[] text = ("v" + z + "B").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[text.length + (int) (z % 5) * 3];
        System.arraycopy(text, 0, out, 0, text.length);
        return out;
    }

    // -------------------------------------------------------------------------------------------------
    // Shared tools

    static DataTree apply(List<LogEntry> entries) {
        DataTree t = new DataTree(false);
        for (LogEntry e : entries) {
            t.apply(e.header(), e.txn());
        }
        return t;
    }

    /** Every node as path → data, persisted stat and ACL; then the sessions and the last zxid. */
    static Map<String, String> dump(DataTree t) {
        Map<String, String> out = new TreeMap<>();
        dump(t, "/", t.root(), out);
        out.put("#sessions", new TreeMap<>(t.sessions()).toString());
        out.put("#lastZxid", Long.toHexString(t.lastZxid()));
        return out;
    }

    private static void dump(DataTree t, String path, Znode z, Map<String, String> out) {
        // A node whose ACL number its snapshot's table lacks has no list to show until a replay sets it.
        out.put(path, HexFormat.of().formatHex(z.data() == null ? new byte[0] : z.data()) + " "
                + z.statPersisted() + " " + (t.aclMissing(z) ? "(ACL number missing)" : t.aclOf(z)));
        for (String name : t.childNames(z)) {
            String child = "/".equals(path) ? "/" + name : path + "/" + name;
            dump(t, child, t.find(child), out);
        }
    }

    /** Writes {@code entries} with a real {@link FileTxnLog}, starting a new file before each zxid in rolls. */
    static void writeLog(DataDir dir, List<LogEntry> entries, Set<Long> rolls) {
        FileTxnLog log = new FileTxnLog(dir, true, 4096, 60_000, FileTxnLog.Syncer.FSYNC, () -> {
            throw new AssertionError("the log failed");
        });
        try {
            for (LogEntry e : entries) {
                if (rolls.contains(e.header().getZxid())) {
                    log.roll();
                }
                log.append(e.header(), e.txn());
                if (e.header().getZxid() % 3 == 0 || rolls.contains(e.header().getZxid() + 1)) {
                    log.commit(() -> { });
                }
            }
            log.commit(() -> { });
        } catch (IOException e) {
            throw new AssertionError(e);
        } finally {
            log.close();
        }
    }

    /** Writes a snapshot of {@code tree} the way the server does at start-up; returns its file. */
    static Path snapshot(DataDir dir, DataTree tree) throws IOException {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            return SnapshotJob.takeNow(tree, dir, writer);
        } finally {
            writer.shutdown();
        }
    }

    /** One entry's place in a log file: where it starts and where it ends (after its 'B'). */
    record Span(long zxid, long start, long end) {
    }

    static List<Span> spans(Path logFile) throws IOException {
        List<Span> out = new ArrayList<>();
        TxnLogReader.read(logFile, (e, f, offset) -> out.add(new Span(e.header().getZxid(), offset,
                offset + 12 + LogEntry.serialize(e.header(), e.txn()).length + 1)));
        return out;
    }

    static List<Long> zxids(List<LogEntry> entries) {
        return entries.stream().map(e -> e.header().getZxid()).toList();
    }
}
