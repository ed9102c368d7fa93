package dev.keeper.server.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.keeper.server.tree.DataTree;
import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.Jute;
import dev.keeper.wire.OpCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.jute.Record;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.Txn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records larger than jute's default limit (the {@code jute.maxbuffer} system property, unset here: 1 MiB plus
 * as much again) — accepted under a larger configured {@code jute.maxbuffer} — are logged, replayed, applied
 * inside a multi and snapshotted byte for byte.
 */
class LargeRecordTest {
    /** Over the 2,097,150 bytes jute allows a field when the property is unset. */
    static final int BIG = 2_500_000;
    @TempDir
    Path tmp;

    @BeforeAll
    static void propertyUnset() {
        assertNull(System.getProperty("jute.maxbuffer"), "these tests are about the property being unset");
    }

    static byte[] big(int seed) {
        byte[] b = new byte[BIG];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static List<LogEntry> history() {
        return List.of(
                entry(1, OpCode.CREATE_SESSION, new CreateSessionTxn(30_000)),
                entry(2, OpCode.CREATE, new CreateTxn("/big", new byte[0], History.OPEN, false, 1)),
                entry(3, OpCode.SET_DATA, new SetDataTxn("/big", big(1), 1)),
                entry(4, OpCode.MULTI, new MultiTxn(List.of(
                        new Txn(OpCode.CREATE, Jute.toBytes(new CreateTxn("/m", new byte[0], History.OPEN, false, 2))),
                        new Txn(OpCode.SET_DATA, Jute.toBytes(new SetDataTxn("/m", big(2), 1)))))));
    }

    private static LogEntry entry(long zxid, int type, Record txn) {
        return new LogEntry(new TxnHeader(History.SESSION, (int) zxid, zxid, 1_700_000_000_000L + zxid, type), txn);
    }

    @Test
    void logEntry_ofABigSetData_decodes() throws IOException {
        LogEntry e = history().get(2);
        LogEntry back = LogEntry.deserialize(LogEntry.serialize(e.header(), e.txn()));
        assertEquals(OpCode.SET_DATA, back.header().getType());
        assertArrayEquals(big(1), ((SetDataTxn) back.txn()).getData());
    }

    @Test
    void multiHoldingABigSetData_applies() throws IOException {
        LogEntry e = history().get(3);
        LogEntry back = LogEntry.deserialize(LogEntry.serialize(e.header(), e.txn()));
        DataTree t = new DataTree(false);
        assertEquals(ErrorCode.OK, t.apply(back.header(), back.txn()).err());
        assertArrayEquals(big(2), t.find("/m").data());
    }

    @Test
    void logWithBigEntries_recoversByteForByte() throws IOException {
        try (DataDir dir = DataDir.open(tmp, null)) {
            History.snapshot(dir, new DataTree(false));
            History.writeLog(dir, history(), Set.of());
            DataTree t = Recovery.recover(dir, false, false);
            assertEquals(4, t.lastZxid());
            assertArrayEquals(big(1), t.find("/big").data());
            assertArrayEquals(big(2), t.find("/m").data());
            assertEquals(History.dump(History.apply(history())), History.dump(t));
        }
    }

    @Test
    void snapshotHoldingBigNodes_readsBackByteForByte() throws IOException {
        try (DataDir dir = DataDir.open(tmp, null)) {
            DataTree live = History.apply(history());
            Path snap = History.snapshot(dir, live);
            DataTree t = new DataTree(false);
            t.setLastZxid(SnapshotFile.read(snap, t));
            assertEquals(4, t.lastZxid());
            assertArrayEquals(big(1), t.find("/big").data());
            assertArrayEquals(big(2), t.find("/m").data());
            assertEquals(History.dump(live), History.dump(t));
        }
    }
}
