package dev.keeper.server.testing;

import dev.keeper.server.persist.Disk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Disk} that does everything on the real files and journals each operation that changes them, with
 * one sequence number across all files and threads: what {@link PowerCut} needs to rebuild what a power cut at
 * any point could have left.
 *
 * <p>Each operation is journaled after it has returned, so anything that follows it in time — a reply released
 * once a {@code force} returned, say — sees a later sequence number ({@link #next()}). Files are told apart by
 * an inode number, as a file system does: a rename moves the inode to another name, and a file created again
 * under a name that was deleted is a new inode.
 *
 * <p>The journal starts from directories holding nothing the disk has not created itself — a file that exists
 * but was never created through it is refused, since nothing would be known of its durable state — or from a
 * directory taken as it is, all of it durable ({@link #over}).
 */
public final class RecordingDisk implements Disk {
    /** One operation, {@code seq} its place in the journal. */
    public sealed interface Op {
        long seq();
    }

    /** A directory was created (one op per directory, parents first). */
    public record MakeDir(long seq, Path dir) implements Op {
    }

    /** A file was created empty, as inode {@code inode}. */
    public record Create(long seq, Path file, int inode) implements Op {
    }

    /** A file's size was set, cutting or extending it (an existing file opened for writing: size 0). */
    public record Truncate(long seq, int inode, long size) implements Op {
    }

    public record Write(long seq, int inode, long offset, byte[] bytes) implements Op {
    }

    /** {@code FileChannel.force}: the file's data and size so far are durable. */
    public record Force(long seq, int inode) implements Op {
    }

    /** An atomic rename within one directory. */
    public record Rename(long seq, Path from, Path to, int inode) implements Op {
    }

    public record Delete(long seq, Path file, int inode) implements Op {
    }

    /** A directory was forced: the creations, renames and removals in it so far are durable. */
    public record SyncDir(long seq, Path dir) implements Op {
    }

    private final Disk real;
    private final List<Op> journal = new ArrayList<>(); // guarded by this
    private final Map<Path, Integer> inodes = new HashMap<>(); // guarded by this
    private int lastInode;

    public RecordingDisk() {
        this(Disk.REAL);
    }

    /** Journals what reaches {@code real} (tests wrap a disk that misbehaves in one). */
    public RecordingDisk(Disk real) {
        this.real = real;
    }

    /**
     * A disk whose journal begins with everything under {@code root} as it is now, durable: each directory made
     * and each file created, written whole and forced, then every directory fsynced — so that a power cut
     * anywhere later keeps it (the image of an earlier power cut, say, that a server is started on).
     */
    public static RecordingDisk over(Path root) throws IOException {
        RecordingDisk disk = new RecordingDisk();
        Path r = root.toAbsolutePath().normalize();
        List<Path> all;
        try (var walk = Files.walk(r)) {
            all = walk.filter(p -> !p.equals(r)).sorted().toList();
        }
        synchronized (disk) {
            for (Path p : all) {
                if (Files.isDirectory(p)) {
                    disk.append(seq -> new MakeDir(seq, p));
                } else {
                    int inode = ++disk.lastInode;
                    disk.inodes.put(p, inode);
                    byte[] bytes = Files.readAllBytes(p);
                    disk.append(seq -> new Create(seq, p, inode));
                    disk.append(seq -> new Write(seq, inode, 0, bytes));
                    disk.append(seq -> new Force(seq, inode));
                }
            }
            disk.append(seq -> new SyncDir(seq, r));
            for (Path p : all) {
                if (Files.isDirectory(p)) {
                    disk.append(seq -> new SyncDir(seq, p));
                }
            }
        }
        return disk;
    }

    /** The sequence number the next operation will get: everything journaled so far is below it. */
    public synchronized long next() {
        return journal.size();
    }

    /** The journal so far, in order; an op's index is its sequence number. */
    public synchronized List<Op> journal() {
        return List.copyOf(journal);
    }

    private synchronized long append(java.util.function.LongFunction<Op> op) {
        long seq = journal.size();
        journal.add(op.apply(seq));
        return seq;
    }

    @Override
    public synchronized FileChannel create(Path file) throws IOException {
        Path p = file.toAbsolutePath().normalize();
        boolean existed = Files.exists(p);
        Integer known = inodes.get(p);
        if (existed && known == null) {
            throw new IllegalStateException(p + " exists but was not created through this disk");
        }
        FileChannel ch = real.create(p);
        int inode;
        if (existed) {
            inode = known;
            append(seq -> new Truncate(seq, inode, 0));
        } else {
            inode = ++lastInode;
            inodes.put(p, inode);
            append(seq -> new Create(seq, p, inode));
        }
        return new Channel(ch, inode);
    }

    @Override
    public synchronized void rename(Path from, Path to) throws IOException {
        Path f = from.toAbsolutePath().normalize();
        Path t = to.toAbsolutePath().normalize();
        if (!f.getParent().equals(t.getParent())) {
            throw new IllegalArgumentException("a rename across directories is two operations: " + f + " -> " + t);
        }
        Integer inode = inodes.get(f);
        if (inode == null) {
            throw new IllegalStateException(f + " was not created through this disk");
        }
        real.rename(f, t);
        inodes.remove(f);
        inodes.put(t, inode);
        append(seq -> new Rename(seq, f, t, inode));
    }

    @Override
    public synchronized boolean delete(Path file) throws IOException {
        Path p = file.toAbsolutePath().normalize();
        Integer inode = inodes.get(p);
        if (inode == null && Files.exists(p)) {
            throw new IllegalStateException(p + " was not created through this disk");
        }
        boolean deleted = real.delete(p);
        if (deleted) {
            inodes.remove(p);
            append(seq -> new Delete(seq, p, inode));
        }
        return deleted;
    }

    @Override
    public synchronized void createDirectories(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path d = dir.toAbsolutePath().normalize(); d != null && !Files.exists(d); d = d.getParent()) {
            missing.add(0, d);
        }
        real.createDirectories(dir);
        for (Path d : missing) {
            append(seq -> new MakeDir(seq, d));
        }
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
        real.fsyncDirectory(dir);
        Path d = dir.toAbsolutePath().normalize();
        append(seq -> new SyncDir(seq, d));
    }

    /** The real channel, with every write, truncation and force journaled. */
    private final class Channel extends FileChannel {
        private final FileChannel ch;
        private final int inode;

        Channel(FileChannel ch, int inode) {
            this.ch = ch;
            this.inode = inode;
        }

        private int journalWrite(ByteBuffer src, long offset, int n) {
            if (n > 0) {
                byte[] bytes = new byte[n];
                src.duplicate().limit(src.position() + n).get(bytes);
                append(seq -> new Write(seq, inode, offset, bytes));
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            long offset = ch.position();
            ByteBuffer before = src.duplicate();
            int n = ch.write(src);
            return journalWrite(before, offset, n);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            ByteBuffer before = src.duplicate();
            int n = ch.write(src, position);
            return journalWrite(before, position, n);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += write(srcs[i]);
            }
            return total;
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            boolean cuts = size < ch.size();
            ch.truncate(size);
            if (cuts) {
                append(seq -> new Truncate(seq, inode, size));
            }
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            ch.force(metaData);
            append(seq -> new Force(seq, inode));
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return ch.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return ch.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return ch.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return ch.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            ch.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return ch.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException("a write the journal would not see");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException("writes the journal would not see");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return ch.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return ch.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            ch.close();
        }
    }
}
