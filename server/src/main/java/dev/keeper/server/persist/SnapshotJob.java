package dev.keeper.server.persist;

import dev.keeper.server.tree.DataTree;
import dev.keeper.server.tree.Znode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.data.StatPersisted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One snapshot being taken while the server keeps serving: ZooKeeper's fuzzy snapshot, made cooperative.
 *
 * <p>The tree belongs to the processor thread, so the processor itself walks it, a slice of nodes at a time
 * between batches of requests ({@link #step}), copying each node's fields; a writer thread encodes and writes
 * the copies. The walk sees the tree as it is at each step, not as one instant: the file is named after the
 * zxid the walk started at, and recovery replays the log from there — applying a transaction the snapshot
 * already reflects is harmless, exactly as with ZooKeeper's own snapshots. Data arrays are never changed in
 * place (a setData swaps the array), so sharing them with the writer is safe.
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
    private static final int MAX_PENDING_SLICES = 8;

    private record Image(String path, byte[] data, long acl, StatPersisted stat) {
    }

    private record Frame(String path, List<String> children, int[] next) {
    }

    private final DataTree tree;
    private final long zxid;
    private final Path target;
    private final Path temp;
    private final ExecutorService writer;
    private final Durability durability;
    private final Deque<Frame> stack = new ArrayDeque<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final long started = System.nanoTime();
    private volatile SnapshotFile.Writer out;
    private volatile IOException failure;
    private Future<?> last;
    private boolean walked;
    private long nodes;

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
        this.writer = writer;
        var sessions = new HashMap<>(tree.sessions());
        var acls = tree.acls().entries();
        submit(() -> out = new SnapshotFile.Writer(temp, sessions, acls));
        Znode root = tree.root();
        List<Image> first = new ArrayList<>(1);
        first.add(image("", root));
        submit(() -> write(first));
        stack.push(new Frame("", tree.childNames(root), new int[1]));
    }

    public long zxid() {
        return zxid;
    }

    /** True while the walk can take another step now: not done, and the writer not too far behind. */
    public boolean canStep() {
        return !walked && pending.get() < MAX_PENDING_SLICES;
    }

    /**
     * Processor thread: copies up to {@code maxNodes} more nodes for the writer, stopping early once
     * {@code maxNanos} have passed, so a request that arrives meanwhile waits at most that long. Returns true
     * once the whole tree has been handed over (the writer may still be busy: see {@link #finished()}).
     */
    public boolean step(int maxNodes, long maxNanos) {
        if (walked) {
            return true;
        }
        if (pending.get() >= MAX_PENDING_SLICES) {
            return false;
        }
        long start = System.nanoTime();
        List<Image> slice = new ArrayList<>(Math.min(maxNodes, 4096));
        // The clock is read every 64 nodes, never before the first: each step makes progress however small
        // the budget. Elapsed time is compared, not a deadline, which would overflow for a budget near
        // Long.MAX_VALUE (takeNow's "no limit").
        while (slice.size() < maxNodes && !stack.isEmpty()
                && (slice.isEmpty() || (slice.size() & 63) != 0 || System.nanoTime() - start < maxNanos)) {
            Frame f = stack.peek();
            if (f.next()[0] >= f.children().size()) {
                stack.pop();
                continue;
            }
            String name = f.children().get(f.next()[0]++);
            String path = f.path().isEmpty() ? "/" + name : f.path() + "/" + name;
            Znode z = tree.find(path);
            if (z == null) {
                continue; // deleted since its parent was listed: the log replay deletes it anyway
            }
            slice.add(image(path, z));
            if (z.numChildren() > 0) {
                stack.push(new Frame(path, tree.childNames(z), new int[1]));
            }
        }
        nodes += slice.size();
        submit(() -> write(slice));
        if (stack.isEmpty()) {
            walked = true;
            long lastZxid = tree.lastZxid();
            submit(() -> finish(lastZxid));
        }
        return walked;
    }

    private Image image(String path, Znode z) {
        return new Image(path, z.data(), z.aclId(), z.statPersisted());
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
            }
        });
    }

    private interface IoTask {
        void run() throws IOException;
    }

    private void write(List<Image> slice) throws IOException {
        for (Image i : slice) {
            out.node(i.path(), i.data(), i.acl(), i.stat());
        }
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
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DataDir.fsyncDirectory(target.getParent());
        LOG.info("Snapshot {} written: {} nodes in {} ms", target.getFileName(), nodes,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Removes the partial file; whoever runs the job reports the failure ({@link #failure()}). */
    private void abandon() {
        try {
            if (out != null) {
                out.close();
            }
            Files.deleteIfExists(temp);
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

    /** Takes the whole snapshot now, on the calling thread's tree: at start-up, before serving. */
    public static Path takeNow(DataTree tree, DataDir dir, ExecutorService writer) throws IOException {
        SnapshotJob job = new SnapshotJob(tree, dir, writer, Durability.ALREADY);
        while (!job.step(10_000, Long.MAX_VALUE)) {
            Thread.onSpinWait();
        }
        try {
            job.last.get();
        } catch (Exception e) {
            throw new IOException(e);
        }
        if (job.failure != null) {
            throw job.failure;
        }
        return job.target;
    }
}
