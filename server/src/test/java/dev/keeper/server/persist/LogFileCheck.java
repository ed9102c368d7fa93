package dev.keeper.server.persist;

import dev.keeper.wire.Jute;
import dev.keeper.wire.OpCode;
import dev.keeper.wire.testing.JuteStrings;
import dev.keeper.wire.testing.ParserRun;
import dev.keeper.wire.testing.ParserRun.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.Adler32;
import org.apache.jute.Record;
import org.apache.zookeeper.txn.CheckVersionTxn;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.ErrorTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.Txn;

/**
 * What the log fuzz targets check of one log file's bytes, read by {@link TxnLogReader} as start-up reads it:
 * <ul>
 *   <li>{@link ParserRun}'s rules: only an IOException ({@link CorruptLogException} among them) escapes, and the
 *   read allocates at most 32 bytes per file byte + 512 KB (the reader's 256 KB scan buffer for the
 *   preallocated tail, the file channel, the decoded records), far below the 2 MB a bogus length could ask
 *   for; the sub-transactions of an accepted multi, decoded with {@code Jute.fromBytes} as applying it does,
 *   likewise, at 32 per byte + 64 KB;</li>
 *   <li>every entry visited is intact in the file: its length, its 'B', its Adler32;</li>
 *   <li>an accepted entry, serialized again, is the entry's bytes (what follows them, such as ZooKeeper's
 *   digest, is left out) — except where the bytes are not what a writer makes: a string jute cannot give back
 *   ({@link JuteStrings}: not UTF-8, or holding a character outside the BMP), a boolean byte other than 0 or 1 (true), a
 *   vector count below −1 (empty), a create logged before 3.3 (which gains its parentCVersion of −1); and it
 *   deserializes to an entry that serializes to the same bytes;</li>
 *   <li>read twice, an accepted file gives the same entries at the same offsets; replayed twice, it gives the
 *   entries in zxid order that a reference walk of the read ones gives, or refuses a gap both times.</li>
 * </ul>
 */
final class LogFileCheck {
    private static final ParserRun READ = ParserRun.of(IOException.class, 32, 512 << 10);
    private static final ParserRun SUB_TXN = ParserRun.of(IOException.class, 32, 64 << 10);
    private static final Path DIR = tempDir();

    private LogFileCheck() {
    }

    /** One entry as the reader visited it. */
    private record Visit(long offset, LogEntry entry) {
    }

    private record Read(List<Visit> visits, boolean torn) {
    }

    static void check(byte[] file) {
        Path log = DIR.resolve("log.1");
        write(log, file);
        Outcome<Read> first = READ.run(file, () -> read(log));
        List<Long> replayed = replay(file, log);
        if (!first.accepted()) {
            if (replayed != null) {
                throw ParserRun.finding(file, "replay accepted a file read refused: " + first.failure(), null);
            }
            return;
        }
        Read again = readAgain(file, log);
        if (again.torn() != first.value().torn() || !same(again.visits(), first.value().visits())) {
            throw ParserRun.finding(file, "read twice, the file gave different entries", null);
        }
        for (Visit v : first.value().visits()) {
            checkEntry(file, v);
        }
        List<Long> expected = expectedReplay(first.value().visits());
        if (!Objects.equals(replayed, expected) || !Objects.equals(replay(file, log), expected)) {
            throw ParserRun.finding(file, "replay gave " + replayed + ", the entries read " + expected, null);
        }
    }

    /** The bytes rewritten with each entry's checksum made right, so that mutations reach the entry decoder. */
    static byte[] withValidChecksums(byte[] file) {
        byte[] out = file.clone();
        ByteBuffer b = ByteBuffer.wrap(out);
        Adler32 crc = new Adler32();
        for (int at = FileTxnLog.HEADER_SIZE; at + 12 <= out.length; ) {
            int len = b.getInt(at + 8);
            if (len <= 0 || len > out.length - at - 12) {
                break;
            }
            crc.reset();
            crc.update(out, at + 12, len);
            b.putLong(at, crc.getValue());
            at += 12 + len + 1;
        }
        return out;
    }

    private static Read read(Path log) throws IOException {
        List<Visit> visits = new ArrayList<>();
        boolean torn = TxnLogReader.read(log, (e, f, offset) -> visits.add(new Visit(offset, e)));
        return new Read(visits, torn);
    }

    private static Read readAgain(byte[] file, Path log) {
        try {
            return read(log);
        } catch (IOException e) {
            throw ParserRun.finding(file, "read twice, the file was refused the second time: " + e, e);
        }
    }

    private static boolean same(List<Visit> a, List<Visit> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).offset() != b.get(i).offset() || !Arrays.equals(bytes(a.get(i).entry()), bytes(b.get(i).entry()))) {
                return false;
            }
        }
        return true;
    }

    private static void checkEntry(byte[] file, Visit v) {
        int at = (int) v.offset();
        ByteBuffer b = ByteBuffer.wrap(file);
        int len = at + 12 <= file.length ? b.getInt(at + 8) : -1;
        Adler32 crc = new Adler32();
        if (len <= 0 || at + 12L + len + 1 > file.length || file[at + 12 + len] != 'B'
                || checksum(crc, file, at + 12, len) != b.getLong(at)) {
            throw ParserRun.finding(file, "the entry visited at " + at + " is not intact in the file", null);
        }
        byte[] again = bytes(v.entry());
        if (!JuteStrings.lossy(again)) {
            checkSerializedAgain(file, at, Arrays.copyOfRange(file, at + 12, at + 12 + len), v.entry(), again);
        }
        if (v.entry().txn() instanceof MultiTxn multi && multi.getTxns() != null) {
            for (Txn t : multi.getTxns()) {
                Record record = subRecord(t.getType());
                if (record != null && t.getData() != null) {
                    SUB_TXN.run(file, t.getData().length, () -> Jute.fromBytes(t.getData(), record));
                }
            }
        }
    }

    private static void checkSerializedAgain(byte[] file, int at, byte[] body, LogEntry entry, byte[] again) {
        boolean asWritten = asWritten(body, again, again.length)
                || entry.txn() instanceof CreateTxn c && c.getParentCVersion() == -1
                && asWritten(body, again, again.length - 4);
        if (!asWritten) {
            throw ParserRun.finding(file, "the entry at " + at + ", serialized again, is not its bytes: " + entry,
                    null);
        }
        try {
            if (!Arrays.equals(again, bytes(LogEntry.deserialize(again)))) {
                throw ParserRun.finding(file, "the entry at " + at + " does not survive serialize-deserialize", null);
            }
        } catch (IOException e) {
            throw ParserRun.finding(file, "the entry at " + at + ", serialized again, does not deserialize", e);
        }
    }

    /** The record applying a multi decodes a sub-transaction of this type into ({@code DataTree.multi}). */
    private static Record subRecord(int type) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2 -> new CreateTxn();
            case OpCode.CREATE_TTL -> new CreateTTLTxn();
            case OpCode.CREATE_CONTAINER -> new CreateContainerTxn();
            case OpCode.DELETE, OpCode.DELETE_CONTAINER -> new DeleteTxn();
            case OpCode.SET_DATA -> new SetDataTxn();
            case OpCode.CHECK -> new CheckVersionTxn();
            case OpCode.ERROR -> new ErrorTxn();
            default -> null;
        };
    }

    /** The offsets replay must visit, from the entries read: zxids after 0 in order, or null at a gap. */
    private static List<Long> expectedReplay(List<Visit> visits) {
        List<Long> out = new ArrayList<>();
        long reached = 0;
        for (Visit v : visits) {
            long z = v.entry().header().getZxid();
            if (z <= reached) {
                continue;
            }
            if (z != reached + 1) {
                return null;
            }
            out.add(v.offset());
            reached = z;
        }
        return out;
    }

    /** The offsets replay visited, or null when it refused the file. */
    private static List<Long> replay(byte[] file, Path log) {
        List<Long> visited = new ArrayList<>();
        try {
            TxnLogReader.replay(List.of(log), 0, (e, f, offset) -> visited.add(offset));
            return visited;
        } catch (IOException e) {
            return null;
        } catch (RuntimeException e) {
            throw ParserRun.finding(file, e + " escaped replay", e);
        }
    }

    private static byte[] bytes(LogEntry e) {
        return LogEntry.serialize(e.header(), e.txn());
    }

    private static long checksum(Adler32 crc, byte[] b, int from, int len) {
        crc.reset();
        crc.update(b, from, len);
        return crc.getValue();
    }

    /**
     * Whether the first {@code n} bytes serialized again are how the entry begins in the file, allowing for what
     * jute's reader takes leniently and writes back in its one form: a boolean written as any non-zero byte
     * (read as true, written as 1), and a vector count below −1 (read as an empty vector, written as 0).
     */
    private static boolean asWritten(byte[] body, byte[] again, int n) {
        if (body.length < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (body[i] == again[i] || again[i] == 1 && body[i] != 0) {
                continue;
            }
            if (i + 4 <= n && ByteBuffer.wrap(again, i, 4).getInt() == 0 && ByteBuffer.wrap(body, i, 4).getInt() < -1) {
                i += 3;
                continue;
            }
            return false;
        }
        return true;
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("keeper-log-fuzz");
            dir.toFile().deleteOnExit();
            dir.resolve("log.1").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
