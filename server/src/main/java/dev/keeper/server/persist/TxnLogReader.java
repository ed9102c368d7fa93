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
 * next zxid, which is how ZooKeeper leaves a file it crashed in. Anything else — a checksum that does not match,
 * an entry that is complete but wrong, data after a broken entry, a zxid that skips ahead — is corruption, and
 * reading stops with the file and offset: no acknowledged write is ever silently lost.
 */
public final class TxnLogReader {
    private static final Logger LOG = LoggerFactory.getLogger(TxnLogReader.class);

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
                    return torn(ch, file, offset, dataEnd);
                }
                ByteBuffer head = read(ch, offset, 12);
                long sum = head.getLong();
                int len = head.getInt();
                if (len <= 0 || 12L + len + 1 > remaining) {
                    return torn(ch, file, offset, dataEnd);
                }
                ByteBuffer body = read(ch, offset + 12, len + 1);
                byte[] bytes = new byte[len];
                body.get(bytes);
                byte eor = body.get();
                if (eor == 0) {
                    // The end-of-record byte never reached the disk: a write cut short.
                    return torn(ch, file, offset, dataEnd);
                }
                if (eor != 'B') {
                    throw new CorruptLogException(file, offset, "Corrupt entry (bad end-of-record byte)");
                }
                crc.reset();
                crc.update(bytes, 0, len);
                if (crc.getValue() != sum) {
                    throw new CorruptLogException(file, offset, "CRC check failed");
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
     * An entry at {@code offset} is broken. It is a torn tail only if no intact entry starts anywhere after it:
     * a crash leaves nothing valid behind the entry it interrupted, while a damaged entry in the middle of the
     * log is followed by the entries written after it.
     */
    private static boolean torn(FileChannel ch, Path file, long offset, long dataEnd) throws IOException {
        long span = dataEnd - offset;
        if (span > Integer.MAX_VALUE) {
            throw new CorruptLogException(file, offset, "Corrupt entry followed by more data");
        }
        ByteBuffer m = read(ch, offset, (int) span);
        Adler32 crc = new Adler32();
        for (int p = 1; p + 13 <= span; p++) {
            int len = m.getInt(p + 8);
            if (len <= 0 || (long) p + 12 + len + 1 > span || m.get(p + 12 + len) != 'B') {
                continue;
            }
            crc.reset();
            crc.update(m.duplicate().position(p + 12).limit(p + 12 + len));
            if (crc.getValue() == m.getLong(p)) {
                throw new CorruptLogException(file, offset, "Corrupt entry followed by intact ones");
            }
        }
        return true;
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
