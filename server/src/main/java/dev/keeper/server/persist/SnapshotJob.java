package dev.keeper.server.persist;

import dev.keeper.server.tree.DataTree;
import dev.keeper.server.tree.Znode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One snapshot being taken while the server keeps serving: ZooKeeper's fuzzy snapshot, made cooperative.
 *
 * <p>The tree belongs to the processor thread, so the processor itself walks it, a slice of nodes at a time
 * between batches of requests ({@link #step}), encoding each node straight into pooled 256 KB chunks; a writer
 * thread checksums the full chunks and writes them. Nothing is allocated per node (no path strings, no copies
 * of stats): garbage from a million-node walk would otherwise show as young-generation pauses in the latency
 * of the very requests the walk is interleaved with. The walk sees the tree as it is at each step, not as one
 * instant: the file is named after the zxid the walk started at, and recovery replays the log from there —
 * applying a transaction the snapshot already reflects is harmless, exactly as with ZooKeeper's own snapshots.
 *
 * <p>Why not a consistent copy-on-write view: it would cost memory on every node or every write all the time,
 * to save a replay of the few seconds of log written during the snapshot.
 *
 * <p>The file is written under a hidden temporary name, forced to disk, renamed to {@code snapshot.<zxid>} and
 * the directory forced: a crash or a full disk never leaves a partial snapshot under a snapshot's name.
 *
 * <p>The rename waits until the log is durable up to the last zxid the walk saw. Our tree is ahead of the log
 * (a transaction is applied before its batch is synced), so the image may show transactions the log does not
 * hold yet; published then, a crash would leave a snapshot showing, say, the creates of a multi whose setData
 * was walked earlier, and no log entry to replay the rest from: half a transaction, never acknowledged.
 * ZooKeeper's tree only ever holds logged transactions, so its snapshots cannot show such a thing; this wait
 * gives ours the same guarantee.
 */
public final class SnapshotJob {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotJob.class);
    private static final int CHUNK_BYTES = 256 << 10;
    private static final int MAX_PENDING_CHUNKS = 8;
    private static final byte[] ROOT = new byte[0];

    /**
     * A parent being listed: the length of its path in {@link #path}, its children's names as listed, and how
     * far the walk has got. The frames on the stack are a node and its ancestors, so their paths are prefixes of
     * one another and share one buffer: a chain of nodes as deep as a path may be long costs the walk one path's
     * bytes, not one path per level (which, for a chain 30,000 deep, would be a gigabyte).
     */
    private static final class Frame {
        final int pathLength;
        final byte[][] names;
        int next;

        Frame(int pathLength, byte[][] names) {
            this.pathLength = pathLength;
            this.names = names;
        }
    }

    private final DataTree tree;
    private final long zxid;
    private final Path target;
    private final Path temp;
    private final Disk disk;
    private final ExecutorService writer;
    private final Durability durability;
    private final Deque<Frame> stack = new ArrayDeque<>();
    /** The path of the frame on top of the stack, and of every frame below it as a prefix. */
    private byte[] path = new byte[256];
    private final AtomicInteger pending = new AtomicInteger();
    /** Notified each time the writer finishes a task, for a start-up walk waiting on it. */
    private final Object drained = new Object();
    private final Queue<byte[]> freeChunks = new ConcurrentLinkedQueue<>();
    private final ChunkStream chunks = new ChunkStream();
    private final SnapshotFile.NodeEncoder encoder = new SnapshotFile.NodeEncoder(chunks);
    private final long started = System.nanoTime();
    private volatile SnapshotFile.Writer out;
    private volatile IOException failure;
    private Future<?> last;
    private boolean walked;
    private long nodes;
    private long stepsInVain;

    /** How the job learns that the log holds every transaction up to a zxid ({@link FileTxnLog#awaitDurable}). */
    public interface Durability {
        void awaitDurable(long zxid) throws IOException, InterruptedException;

        /** For a tree every transaction of which is already on disk: the one recovered at start-up. */
        Durability ALREADY = zxid -> { };
    }

    /** Processor thread: starts a snapshot of {@code tree} as of now. */
    public SnapshotJob(DataTree tree, DataDir dir, ExecutorService writer, Durability durability) {
        this.durability = durability;
        this.tree = tree;
        this.zxid = tree.lastZxid();
        this.target = dir.snapshotPath(zxid);
        this.temp = dir.partialSnapshotPath(zxid);
        this.disk = dir.disk();
        this.writer = writer;
        var sessions = new HashMap<>(tree.sessions());
        var acls = tree.acls().entries();
        submit(() -> out = new SnapshotFile.Writer(disk, temp, sessions, acls));
        Znode root = tree.root();
        encode(0, ROOT, root);
        stack.push(new Frame(0, tree.childNameBytes(root)));
    }

    public long zxid() {
        return zxid;
    }

    /** True while the walk can take another step now: not done, and the writer not too far behind. */
    public boolean canStep() {
        return !walked && pending.get() < MAX_PENDING_CHUNKS;
    }

    /**
     * Processor thread: encodes up to {@code maxNodes} more nodes for the writer, stopping early once
     * {@code maxNanos} have passed (so a request that arrives meanwhile waits at most that long) or the writer
     * falls behind. Every step moves the walk on by at least one node. Returns true once the whole tree has been
     * handed over (the writer may still be busy: see {@link #finished()}).
     */
    public boolean step(int maxNodes, long maxNanos) {
        if (walked) {
            return true;
        }
        if (failure != null) {
            walked = true; // the writer has given up: walking on would only fill chunks nobody writes
            return true;
        }
        long start = System.nanoTime();
        int done = 0;
        // Each frame's parent is looked up again by path at every step: between steps the processor may have
        // deleted it, or replaced its object (a node's class changes with its shape).
        Frame resolvedFrame = null;
        Znode parent = null;
        // The clock is read every 64 nodes, never before the first. Elapsed time is compared, not a deadline,
        // which would overflow for a budget near Long.MAX_VALUE (takeNow's "no limit").
        while (done < maxNodes && !stack.isEmpty() && pending.get() < MAX_PENDING_CHUNKS
                && (done == 0 || (done & 63) != 0 || System.nanoTime() - start < maxNanos)) {
            Frame f = stack.peek();
            if (f != resolvedFrame) {
                resolvedFrame = f;
                parent = tree.find(path, f.pathLength);
            }
            if (parent == null || f.next >= f.names.length) {
                stack.pop(); // done, or deleted since it was listed: the log replay deletes its subtree anyway
                continue;
            }
            byte[] name = f.names[f.next++];
            Znode z = tree.child(parent, name);
            if (z == null) {
                continue; // deleted since its parent was listed: the log replay deletes it anyway
            }
            encode(f.pathLength, name, z);
            done++;
            if (z.numChildren() > 0) {
                int length = f.pathLength + 1 + name.length;
                if (length > path.length) {
                    path = Arrays.copyOf(path, Math.max(length, path.length * 2));
                }
                path[f.pathLength] = '/';
                System.arraycopy(name, 0, path, f.pathLength + 1, name.length);
                stack.push(new Frame(length, tree.childNameBytes(z)));
            }
        }
        nodes += done;
        if (done == 0 && !stack.isEmpty()) {
            stepsInVain++;
        }
        if (stack.isEmpty()) {
            walked = true;
            chunks.handOff();
            long lastZxid = tree.lastZxid();
            submit(() -> finish(lastZxid));
        }
        return walked;
    }

    /** Encodes {@code z}, whose parent's path is the first {@code parentLength} bytes of {@link #path}. */
    private void encode(int parentLength, byte[] name, Znode z) {
        try {
            encoder.node(path, parentLength, name, z);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the chunk stream writes to memory only
        }
    }

    /**
     * The node list's bytes, in chunks that go to the writer as they fill and come back to a pool once written:
     * a snapshot's worth of bytes passes through a few chunks, not through the garbage collector.
     */
    private final class ChunkStream extends OutputStream {
        private byte[] buf = takeChunk();
        private int len;

        @Override
        public void write(int b) {
            if (len == buf.length) {
                handOff();
            }
            buf[len++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int n) {
            while (n > 0) {
                if (len == buf.length) {
                    handOff();
                }
                int k = Math.min(n, buf.length - len);
                System.arraycopy(b, off, buf, len, k);
                len += k;
                off += k;
                n -= k;
            }
        }

        void handOff() {
            byte[] full = buf;
            int n = len;
            submit(() -> {
                out.nodes(full, n);
                freeChunks.add(full);
            });
            buf = takeChunk();
            len = 0;
        }

        private byte[] takeChunk() {
            byte[] c = freeChunks.poll();
            return c != null ? c : new byte[CHUNK_BYTES];
        }
    }

    private void submit(IoTask task) {
        pending.incrementAndGet();
        last = writer.submit(() -> {
            try {
                if (failure == null) {
                    task.run();
                }
            } catch (IOException | RuntimeException e) {
                failure = e instanceof IOException io ? io : new IOException(e);
                abandon();
            } finally {
                pending.decrementAndGet();
                synchronized (drained) {
                    drained.notifyAll();
                }
            }
        });
    }

    /**
     * Blocks until the writer has room for another chunk, or has failed: for {@link #runNow}, whose thread has
     * nothing else to do meanwhile (the processor, which has, asks {@link #canStep} instead).
     */
    private void awaitWriter() throws InterruptedException {
        synchronized (drained) {
            while (pending.get() >= MAX_PENDING_CHUNKS && failure == null) {
                drained.wait();
            }
        }
    }

    private interface IoTask {
        void run() throws IOException;
    }

    private void finish(long lastZxid) throws IOException {
        out.finish(lastZxid);
        out.close();
        try {
            durability.awaitDurable(lastZxid);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the log to reach zxid 0x"
                    + Long.toHexString(lastZxid), e);
        }
        disk.rename(temp, target);
        disk.fsyncDirectory(target.getParent());
        LOG.info("Snapshot {} written: {} nodes in {} ms", target.getFileName(), nodes,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Removes the partial file; whoever runs the job reports the failure ({@link #failure()}). */
    private void abandon() {
        try {
            if (out != null) {
                out.close();
            }
            disk.delete(temp);
        } catch (IOException e) {
            LOG.warn("Could not remove the partial snapshot {}: {}", temp, e.toString());
        }
    }

    /** True once the snapshot is on disk, or has failed. */
    public boolean finished() {
        return walked && pending.get() == 0;
    }

    public IOException failure() {
        return failure;
    }

    /** The file this job writes, once it succeeds. */
    public Path file() {
        return target;
    }

    /** Steps that moved nothing on, the writer being too far behind: what a caller that does not wait piles up. */
    long stepsInVain() {
        return stepsInVain;
    }

    /** Takes the whole snapshot now, on the calling thread's tree: at start-up, before serving. */
    public static Path takeNow(DataTree tree, DataDir dir, ExecutorService writer) throws IOException {
        return runNow(tree, dir, writer).target;
    }

    static SnapshotJob runNow(DataTree tree, DataDir dir, ExecutorService writer) throws IOException {
        SnapshotJob job = new SnapshotJob(tree, dir, writer, Durability.ALREADY);
        try {
            while (!job.step(10_000, Long.MAX_VALUE)) {
                job.awaitWriter();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing " + job.temp.getFileName());
        }
        try {
            job.last.get();
        } catch (Exception e) {
            throw new IOException(e);
        }
        if (job.failure != null) {
            throw job.failure;
        }
        return job;
    }
}
