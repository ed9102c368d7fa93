package dev.keeper.server.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.tree.DataTree;
import dev.keeper.wire.Jute;
import dev.keeper.wire.OpCode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.Adler32;
import org.apache.jute.Record;
import org.apache.zookeeper.server.persistence.FileHeader;
import org.apache.zookeeper.txn.CloseSessionTxn;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.CreateTxnV0;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnDigest;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes the persistence fuzz targets' seed corpora: a transaction log and snapshots written by the server's own
 * {@link FileTxnLog} and {@link SnapshotJob} from {@link History}'s scripted transactions, plus the shapes they
 * meet at start-up: a log cut by a crash, a log framed as ZooKeeper 3.9 writes it, a pre-3.6 snapshot. Not run
 * with the tests (its name matches no test pattern); run it after changing what it writes, and commit the files:
 * {@code mvn -B -o -q -pl server -am test -Dtest=FuzzSeeds -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class FuzzSeeds {
    private static final Path RESOURCES = Path.of("src/test/resources/dev/keeper/server/persist");

    @TempDir
    Path tmp;

    @Test
    void write() throws IOException {
        Map<String, byte[]> logs = logs();
        write("TxnLogFuzzTest", "file", logs);
        write("LogEntryFuzzTest", "entries", logs);
        write("SnapshotFuzzTest", "file", snapshots());
    }

    private Map<String, byte[]> logs() throws IOException {
        DataDir dir = DataDir.open(tmp.resolve("logs"), null);
        List<LogEntry> entries = History.of(24);
        History.writeLog(dir, entries, Set.of());
        Path logFile = dir.logs().get(0);
        byte[] ours = Files.readAllBytes(logFile);
        dir.close();
        // The file is preallocated with zeros; a few of them stay, the rest say nothing more.
        byte[] log = Arrays.copyOf(ours, lastNonZero(ours) + 1 + 16);
        int lastEntry = (int) History.spans(logFile).get(entries.size() - 1).start();
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("log-keeper", log);
        out.put("log-keeper-torn", Arrays.copyOf(log, lastEntry + 20));
        out.put("log-header-only", Arrays.copyOf(log, FileTxnLog.HEADER_SIZE));
        out.put("log-zookeeper-3.9", zookeeperLog());
        for (Map.Entry<String, byte[]> e : out.entrySet()) {
            Path f = tmp.resolve("log.1");
            Files.write(f, e.getValue());
            boolean torn = TxnLogReader.read(f, (x, p, o) -> { });
            // A header alone ends in its zero dbid, which the reader takes for preallocation: a torn header.
            assertEquals(e.getKey().endsWith("torn") || e.getKey().endsWith("header-only"), torn, e.getKey());
        }
        return out;
    }

    /**
     * A log as ZooKeeper 3.9 frames it ({@code Util.marshallTxnEntry}): each transaction followed by its
     * {@code TxnDigest}; with a create logged before 3.3 ({@code CreateTxnV0}: no parentCVersion) among them.
     */
    private static byte[] zookeeperLog() throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(file);
        out.write(Jute.toBytes(new FileHeader(FileTxnLog.MAGIC, FileTxnLog.VERSION, 0)));
        long session = 0x1000a1b2c3d0001L;
        List<Record> txns = List.of(new CreateSessionTxn(30_000),
                new CreateTxn("/app", "config".getBytes(), History.OPEN, false, 1),
                new CreateTxnV0("/old", new byte[] {1, 2, 3}, History.OPEN, false),
                new SetDataTxn("/app", "v2".getBytes(), 1),
                new CloseSessionTxn(List.of()));
        int[] types = {OpCode.CREATE_SESSION, OpCode.CREATE, OpCode.CREATE, OpCode.SET_DATA, OpCode.CLOSE_SESSION};
        Adler32 crc = new Adler32();
        for (int i = 0; i < txns.size(); i++) {
            long zxid = i + 1;
            TxnHeader h = new TxnHeader(session, i, zxid, 1_700_000_000_000L + zxid, types[i]);
            ByteArrayOutputStream entry = new ByteArrayOutputStream();
            entry.writeBytes(Jute.toBytes(h));
            entry.writeBytes(Jute.toBytes(txns.get(i)));
            entry.writeBytes(Jute.toBytes(new TxnDigest(2, 0x5eed0000L + zxid)));
            byte[] bytes = entry.toByteArray();
            crc.reset();
            crc.update(bytes);
            out.writeLong(crc.getValue());
            out.writeInt(bytes.length);
            out.write(bytes);
            out.write('B');
        }
        return file.toByteArray();
    }

    private Map<String, byte[]> snapshots() throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        DataDir empty = DataDir.open(tmp.resolve("empty"), null);
        out.put("snapshot-empty", Files.readAllBytes(History.snapshot(empty, new DataTree(false))));
        empty.close();
        DataDir full = DataDir.open(tmp.resolve("full"), null);
        DataTree tree = History.apply(History.of(30));
        tree.setLastZxid(30);
        byte[] snapshot = Files.readAllBytes(History.snapshot(full, tree));
        full.close();
        out.put("snapshot-keeper", snapshot);
        // Before 3.6 a snapshot ended after its first seal: the Adler32 and "/" (8 + 4 + 1 bytes) that follow the
        // node list, itself closed by the path "/". What 3.6 added after it is a digest (20 bytes), the last
        // zxid (8), each with a seal.
        out.put("snapshot-pre-3.6", Arrays.copyOf(snapshot, snapshot.length - (20 + 13) - (8 + 13)));
        for (Map.Entry<String, byte[]> e : out.entrySet()) {
            Path f = tmp.resolve("snapshot.1");
            Files.write(f, e.getValue());
            long last = SnapshotFile.read(f, new DataTree(false));
            assertTrue(e.getKey().endsWith("pre-3.6") ? last == -1 : last >= 0, e.getKey() + ": " + last);
        }
        assertFalse(History.dump(tree).isEmpty());
        return out;
    }

    private static int lastNonZero(byte[] b) {
        int i = b.length - 1;
        while (i >= 0 && b[i] == 0) {
            i--;
        }
        return i;
    }

    /** Replaces the seeds (seed-*) of one target; crash files found by fuzzing stay. */
    private static void write(String testClass, String method, Map<String, byte[]> seeds) throws IOException {
        Path dir = RESOURCES.resolve(testClass + "Inputs").resolve(method);
        Files.createDirectories(dir);
        try (var old = Files.newDirectoryStream(dir, "seed-*")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            Files.write(dir.resolve("seed-" + e.getKey()), e.getValue());
        }
    }
}
