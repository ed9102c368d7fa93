package dev.keeper.server.persist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Adler32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads transaction log files, telling a torn tail from corruption.
 *
 * <p>A crash mid-write leaves the last entry incomplete: cut short by the end of the file, or followed by the
 * zeros of preallocation with its end-of-record byte still zero. That entry was never acknowledged, so it is
 * dropped — at the end of the newest file, or at the end of an older one when the next file starts at the very
 * next zxid, which is how ZooKeeper leaves a file it crashed in. So is an entry broken by a sector that never
 * reached the disk, with whatever follows it: a power cut during a batch not yet fsynced ({@code broken}).
 * Anything else — a checksum that does not match, an entry that is complete but wrong, data after a broken
 * entry, a zxid that skips ahead — is corruption, and reading stops with the file and offset: no acknowledged
 * write is ever silently lost.
 */
public final class TxnLogReader {
    private static final Logger LOG = LoggerFactory.getLogger(TxnLogReader.class);
    /** What a drive writes whole or not at all. */
    private static final int SECTOR = 512;

    /** Receives each transaction in order. */
    public interface Visitor {
        void entry(LogEntry entry, Path file, long offset) throws IOException;
    }

    private TxnLogReader() {
    }

    /**
     * Replays every transaction after {@code afterZxid}, across the log files, and returns the last zxid seen
     * ({@code afterZxid} if there were none). Entries at or below the zxid already reached are skipped (files may
     * overlap, and ZooKeeper logs a malformed request's error under the current zxid).
     */
    public static long replay(List<Path> logsOldestFirst, long afterZxid, Visitor visitor) throws IOException {
        List<Path> files = relevant(logsOldestFirst, afterZxid);
        long last = afterZxid;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            boolean newest = i == files.size() - 1;
            long[] reached = {last};
            boolean torn = read(file, (e, f, offset) -> {
                long z = e.header().getZxid();
                if (z <= reached[0]) {
                    return;
                }
                if (z != reached[0] + 1) {
                    throw new CorruptLogException(f, offset, "Gap in the transaction log: zxid 0x"
                            + Long.toHexString(z) + " follows 0x" + Long.toHexString(reached[0]));
                }
                visitor.entry(e, f, offset);
                reached[0] = z;
            });
            last = reached[0];
            if (!newest) {
                long nextStart = DataDir.zxidOf(files.get(i + 1), DataDir.LOG_PREFIX);
                if (nextStart > last + 1) {
                    throw new CorruptLogException(files.get(i + 1), 0, "Gap between log files: "
                            + file.getFileName() + " ends at zxid 0x" + Long.toHexString(last) + " but the next file starts at 0x"
                            + Long.toHexString(nextStart));
                }
                if (torn) {
                    LOG.info("{} ends with a partial entry, and the next log starts at the next zxid: accepted",
                            file.getFileName());
                }
            } else if (torn) {
                LOG.warn("Dropping the torn last entry of {} (a crash during its write; it was never acknowledged)",
                        file.getFileName());
            }
        }
        return last;
    }

    /** The newest file starting at or before afterZxid + 1, and every later one. */
    static List<Path> relevant(List<Path> logsOldestFirst, long afterZxid) {
        int first = 0;
        for (int i = 0; i < logsOldestFirst.size(); i++) {
            if (DataDir.zxidOf(logsOldestFirst.get(i), DataDir.LOG_PREFIX) <= afterZxid + 1) {
                first = i;
            }
        }
        return new ArrayList<>(logsOldestFirst.subList(first, logsOldestFirst.size()));
    }

    /** Reads one file's entries; returns true if it ends in a torn entry. */
    public static boolean read(Path file, Visitor visitor) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            // Everything after the last non-zero byte is preallocation (or nothing): written data ends there,
            // and the last byte of the last intact entry is its 'B'.
            long dataEnd = lastNonZero(ch, 0, ch.size()) + 1;
            if (dataEnd < FileTxnLog.HEADER_SIZE) {
                // ZooKeeper finds such a file when it crashed before writing the header of a new log.
                return true;
            }
            ByteBuffer header = read(ch, 0, FileTxnLog.HEADER_SIZE);
            int magic = header.getInt();
            if (magic != FileTxnLog.MAGIC) {
                throw new CorruptLogException(file, 0, "Invalid magic number 0x" + Integer.toHexString(magic));
            }
            long offset = FileTxnLog.HEADER_SIZE;
            Adler32 crc = new Adler32();
            while (offset < dataEnd) {
                long remaining = dataEnd - offset;
                if (remaining < 13) {
                    return broken(ch, file, offset, dataEnd, null);
                }
                ByteBuffer head = read(ch, offset, 12);
                long sum = head.getLong();
                int len = head.getInt();
                if (len <= 0 || 12L + len + 1 > remaining) {
                    return broken(ch, file, offset, dataEnd, null);
                }
                ByteBuffer body = read(ch, offset + 12, len + 1);
                byte[] bytes = new byte[len];
                body.get(bytes);
                byte eor = body.get();
                if (eor == 0) {
                    // The end-of-record byte never reached the disk: a write cut short.
                    return broken(ch, file, offset, dataEnd, null);
                }
                if (eor != 'B') {
                    return broken(ch, file, offset, dataEnd, "Corrupt entry (bad end-of-record byte)");
                }
                crc.reset();
                crc.update(bytes, 0, len);
                if (crc.getValue() != sum) {
                    return broken(ch, file, offset, dataEnd, "CRC check failed");
                }
                LogEntry entry;
                try {
                    entry = LogEntry.deserialize(bytes);
                } catch (IOException | RuntimeException e) {
                    throw new CorruptLogException(file, offset, "Undecodable entry (" + e.getMessage() + ")");
                }
                visitor.entry(entry, file, offset);
                offset += 12 + len + 1;
            }
            return false;
        }
    }

    /**
     * The entry at {@code offset} is broken: cut short ({@code damage} null), or damaged as {@code damage} says.
     * Returns true if it is a torn tail, to be dropped with everything after it; throws if it is corruption.
     *
     * <p>An entry cut short is a torn tail if no intact entry starts anywhere after it: a crash leaves nothing
     * valid behind the entry it interrupted, while a damaged entry in the middle of the log is followed by the
     * entries written after it.
     *
     * <p>Any broken entry is also torn if what broke it is a sector that never reached the disk. The writes after
     * the last fsync reach the platter in no particular order — the page cache writes pages back when it likes,
     * and the drive's cache persists sectors as it likes — so a power cut can leave a later sector of such a batch
     * on disk and an earlier one not: an entry whose middle is missing fails its checksum, and whole entries may
     * follow it. A 512-byte sector is written whole or not at all, and one that did not make it still holds what
     * it held before: zeros, in a preallocated log, from the entry that begins the lost writes to the sector's
     * end. Every byte after such an entry was written after it, and no fsync completed since (or the entry would
     * be whole): none of it was acknowledged, and it is dropped with it. Damage that is not such a run of zeros
     * — a flipped bit, garbage — is still corruption. (ZooKeeper's reader stops, silently, at a zero length or a
     * missing end-of-record byte wherever they are, and fails on a checksum; etcd's WAL tells a torn write by the
     * same zeroed sector.)
     */
    private static boolean broken(FileChannel ch, Path file, long offset, long dataEnd, String damage)
            throws IOException {
        long span = dataEnd - offset;
        if (span > Integer.MAX_VALUE) {
            throw new CorruptLogException(file, offset, "Corrupt entry followed by more data");
        }
        ByteBuffer m = read(ch, offset, (int) span);
        int intact = nextIntact(m);
        if (lostSector(m, offset, intact >= 0 ? intact + 4 : (int) span)) {
            if (intact >= 0 || damage != null) {
                LOG.warn("{}: the entry at offset {} lacks a sector that never reached the disk{}: a power cut"
                        + " during a batch never acknowledged; dropping it{}", file.getFileName(), offset,
                        damage == null ? "" : " (" + damage + ")", intact >= 0 ? " and the entries after it" : "");
            }
            return true;
        }
        if (intact >= 0) {
            throw new CorruptLogException(file, offset, damage != null ? damage
                    : "Corrupt entry followed by intact ones");
        }
        if (damage != null) {
            throw new CorruptLogException(file, offset, damage);
        }
        return true;
    }

    /** Where the first intact entry after the broken one at the start of {@code m} begins, or -1. */
    private static int nextIntact(ByteBuffer m) {
        Adler32 crc = new Adler32();
        int span = m.limit();
        for (int p = 1; p + 13 <= span; p++) {
            int len = m.getInt(p + 8);
            if (len <= 0 || (long) p + 12 + len + 1 > span || m.get(p + 12 + len) != 'B') {
                continue;
            }
            crc.reset();
            crc.update(m.duplicate().position(p + 12).limit(p + 12 + len));
            if (crc.getValue() == m.getLong(p)) {
                return p;
            }
        }
        return -1;
    }

    /**
     * True if some stretch of {@code m} (read from {@code offset}) before {@code limit}, ending at a sector
     * boundary, is all zeros, from the broken entry's start or from a sector's start: what a sector that never
     * reached the disk leaves. The first four bytes of every entry are zeros (the high half of an Adler32 held in
     * a long): a stretch does not count them at its start, and may end in those of the intact entry that follows.
     * Past the end of {@code m} the file holds only zeros.
     */
    private static boolean lostSector(ByteBuffer m, long offset, int limit) {
        for (long b = (offset / SECTOR + 1) * SECTOR; b <= offset + limit; b += SECTOR) {
            int from = (int) (Math.max(offset + 4, b - SECTOR) - offset);
            int to = (int) (b - offset);
            boolean zeros = from < to;
            for (int i = from; i < Math.min(to, m.limit()) && zeros; i++) {
                zeros = m.get(i) == 0;
            }
            if (zeros) {
                return true;
            }
        }
        return false;
    }

    /** The position of the last non-zero byte in [from, to), or from - 1. */
    private static long lastNonZero(FileChannel ch, long from, long to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
        long end = to;
        while (end > from) {
            long start = Math.max(from, end - buf.capacity());
            buf.clear();
            buf.limit((int) (end - start));
            while (buf.hasRemaining()) {
                if (ch.read(buf, start + buf.position()) < 0) {
                    break;
                }
            }
            for (int i = buf.position() - 1; i >= 0; i--) {
                if (buf.get(i) != 0) {
                    return start + i;
                }
            }
            end = start;
        }
        return from - 1;
    }

    private static ByteBuffer read(FileChannel ch, long offset, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(len);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) {
                throw new java.io.EOFException();
            }
        }
        buf.flip();
        return buf;
    }
}
