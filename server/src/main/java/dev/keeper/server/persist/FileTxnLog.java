package dev.keeper.server.persist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Adler32;
import org.apache.jute.Record;
import org.apache.zookeeper.txn.TxnHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction log in ZooKeeper's format, with group commit.
 *
 * <p>A file {@code log.<zxid>} starts with a {@code FileHeader} ("ZKLG", version 2, dbid 0); each entry is an
 * Adler32 checksum (long), the length and bytes of {@code TxnHeader} + txn record, and an end-of-record byte
 * 'B'. Files are preallocated in {@code preAllocSize} steps (zeros), and a new file is begun when the processor
 * asks for a roll (at each snapshot) or at start-up, as ZooKeeper does.
 *
 * <p>The processor appends the transactions of a batch and commits them with the action that releases the
 * batch's replies. The sync thread serialises, writes and fsyncs — once for every batch waiting — and only then
 * runs those actions, in order. A batch with no transactions and nothing in flight is released at once. If a
 * write or fsync fails, nothing more is released: the server stops ({@code onFatal}), since its tree is ahead
 * of its disk.
 *
 * <p>The highest zxid made durable is published for {@link #awaitDurable}: the tree runs ahead of the log, so a
 * snapshot of it may show transactions the log does not hold yet, and must not be published before it does.
 */
public final class FileTxnLog implements TxnLog {
    private static final Logger LOG = LoggerFactory.getLogger(FileTxnLog.class);
    static final int MAGIC = 0x5a4b4c47; // "ZKLG"
    static final int VERSION = 2;
    static final int HEADER_SIZE = 16;

    /** How the log's bytes are made durable; replaced in tests to hold a batch back. */
    public interface Syncer {
        void sync(FileChannel channel) throws IOException;

        Syncer FSYNC = channel -> channel.force(false);
    }

    private record Batch(List<TxnHeader> headers, List<Record> txns, boolean roll, Runnable release) {
    }

    private static final Batch STOP = new Batch(List.of(), List.of(), false, () -> { });
    /**
     * Batches waiting for the sync thread. Bounded, so that a disk slower than the processor holds the processor
     * back (it waits in {@link #commit}) instead of letting batches pile up in memory.
     */
    static final int MAX_QUEUED_BATCHES = 256;

    private final DataDir dir;
    private final boolean forceSync;
    private final long preAllocSize;
    private final long warnMs;
    private final Syncer syncer;
    private final Runnable onFatal;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** fsyncs slower than fsync.warningthresholdms ({@code ServerStats.getFsyncThresholdExceedCount}). */
    private final java.util.concurrent.atomic.AtomicLong slowSyncs = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastSyncMs;
    /** Told each fsync's duration, ms (ZooKeeper's fsynctime summary). */
    private volatile java.util.function.LongConsumer syncTimes = ms -> { };
    private final BlockingQueue<Batch> queue = new LinkedBlockingQueue<>(MAX_QUEUED_BATCHES);
    private final Thread thread;

    // Processor thread.
    private List<TxnHeader> headers = new ArrayList<>();
    private List<Record> txns = new ArrayList<>();
    private boolean rollRequested = true;

    // Sync thread.
    private FileChannel current;
    private Path currentPath;
    private long position;
    private long allocated;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    private volatile boolean failed;
    private final Object durableLock = new Object();
    private long durableZxid; // guarded by durableLock
    private boolean stopped; // guarded by durableLock

    public FileTxnLog(DataDir dir, boolean forceSync, long preAllocSize, long warnMs, Syncer syncer,
            Runnable onFatal) {
        this.dir = dir;
        this.forceSync = forceSync;
        this.preAllocSize = preAllocSize;
        this.warnMs = warnMs;
        this.syncer = syncer;
        this.onFatal = onFatal;
        this.thread = new Thread(this::loop, "keeper-log-sync");
        thread.start();
    }

    @Override
    public void append(TxnHeader header, Record txn) {
        headers.add(header);
        txns.add(txn);
    }

    /** True once a write or fsync has failed (and been reported). */
    public boolean hasFailed() {
        return failed;
    }

    /** The next transaction starts a new log file. */
    public void roll() {
        rollRequested = true;
    }

    @Override
    public void commit(Runnable release) throws IOException {
        if (failed) {
            throw new IOException("the transaction log has failed");
        }
        if (headers.isEmpty() && inFlight.get() == 0) {
            release.run();
            return;
        }
        inFlight.incrementAndGet();
        boolean roll = rollRequested && !headers.isEmpty();
        if (roll) {
            rollRequested = false;
        }
        enqueue(new Batch(headers, txns, roll, release));
        headers = new ArrayList<>();
        txns = new ArrayList<>();
    }

    /** Waits for room in the queue; gives up once the sync thread has failed or ended, as nobody would take it. */
    private void enqueue(Batch b) throws IOException {
        try {
            while (!queue.offer(b, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (failed || !thread.isAlive()) {
                    throw new IOException("the transaction log has " + (failed ? "failed" : "stopped"));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the transaction log", e);
        }
    }

    private void loop() {
        List<Batch> group = new ArrayList<>();
        try {
            while (true) {
                group.add(queue.take());
                queue.drainTo(group);
                boolean stop = false;
                boolean wrote = false;
                for (Batch b : group) {
                    if (b == STOP) {
                        stop = true;
                        break;
                    }
                    wrote |= write(b);
                }
                if (wrote) {
                    flushBuffer();
                    sync();
                    publishDurable(group);
                }
                for (Batch b : group) {
                    if (b != STOP) {
                        b.release().run();
                        inFlight.decrementAndGet();
                    }
                }
                group.clear();
                if (stop) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            LOG.error("Writing the transaction log {} failed: {}; stopping, as the tree is now ahead of the disk",
                    currentPath, e.toString());
            onFatal.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeCurrent();
            synchronized (durableLock) {
                stopped = true;
                durableLock.notifyAll();
            }
        }
    }

    private void publishDurable(List<Batch> group) {
        long max = 0;
        for (Batch b : group) {
            if (!b.headers().isEmpty()) {
                max = Math.max(max, b.headers().get(b.headers().size() - 1).getZxid());
            }
        }
        synchronized (durableLock) {
            if (max > durableZxid) {
                durableZxid = max;
                durableLock.notifyAll();
            }
        }
    }

    /** fsyncs that took longer than {@code fsync.warningthresholdms}, each logged. */
    public long slowSyncs() {
        return slowSyncs.get();
    }

    /** {@code times} is told how long each fsync takes, ms, on the log's thread. */
    public void observeSyncs(java.util.function.LongConsumer times) {
        syncTimes = times;
    }

    /** JMX's resetFsyncThresholdExceedCount. */
    public void resetSlowSyncs() {
        slowSyncs.set(0);
    }

    /** How long the last fsync took, ms ({@code FileTxnLog.getTxnLogSyncElapsedTime}). */
    public long lastSyncMs() {
        return lastSyncMs;
    }

    /**
     * Any thread: waits until every transaction up to {@code zxid} that was committed is durable. Throws if the
     * log fails or stops first. Only for zxids already committed: the wait ends when their batch is synced.
     */
    public void awaitDurable(long zxid) throws IOException, InterruptedException {
        synchronized (durableLock) {
            while (durableZxid < zxid) {
                if (failed || stopped) {
                    throw new IOException("the transaction log " + (failed ? "failed" : "stopped")
                            + " before zxid 0x" + Long.toHexString(zxid) + " was durable");
                }
                durableLock.wait();
            }
        }
    }

    private boolean write(Batch b) throws IOException {
        if (b.headers().isEmpty()) {
            return false;
        }
        if (b.roll() || current == null) {
            flushBuffer();
            if (current != null) {
                sync();
            }
            open(b.headers().get(0).getZxid());
        }
        Adler32 crc = new Adler32();
        for (int i = 0; i < b.headers().size(); i++) {
            byte[] entry = LogEntry.serialize(b.headers().get(i), b.txns().get(i));
            crc.reset();
            crc.update(entry, 0, entry.length);
            int size = 8 + 4 + entry.length + 1;
            if (buffer.remaining() < size) {
                flushBuffer();
                if (buffer.capacity() < size) {
                    buffer = ByteBuffer.allocateDirect(Integer.highestOneBit(size) * 2);
                }
            }
            buffer.putLong(crc.getValue()).putInt(entry.length).put(entry).put((byte) 'B');
        }
        return true;
    }

    private void flushBuffer() throws IOException {
        buffer.flip();
        if (buffer.hasRemaining()) {
            long end = position + buffer.remaining();
            if (end + 4096 >= allocated) {
                preallocate(end);
            }
            while (buffer.hasRemaining()) {
                position += current.write(buffer, position);
            }
        }
        buffer.clear();
    }

    /** ZooKeeper's {@code FilePadding}: within 4 KB of the allocated end, extend by preAllocSize (sparse). */
    private void preallocate(long end) throws IOException {
        if (preAllocSize <= 0) {
            return;
        }
        long size = end > allocated ? end + preAllocSize - (end + preAllocSize) % preAllocSize
                : allocated + preAllocSize;
        current.write(ByteBuffer.wrap(new byte[1]), size - 1);
        allocated = size;
    }

    private void sync() throws IOException {
        if (!forceSync) {
            return;
        }
        long start = System.nanoTime();
        syncer.sync(current);
        long ms = (System.nanoTime() - start) / 1_000_000;
        lastSyncMs = ms;
        syncTimes.accept(ms);
        if (ms > warnMs) {
            slowSyncs.incrementAndGet();
            LOG.warn("fsync-ing the write ahead log in {} took {}ms which will adversely effect operation latency."
                    + " File size is {} bytes. See the ZooKeeper troubleshooting guide", Thread.currentThread().getName(),
                    ms, allocated);
        }
    }

    private void open(long zxid) throws IOException {
        closeCurrent();
        currentPath = dir.logPath(zxid);
        LOG.info("Creating new log file: {}", currentPath.getFileName());
        current = dir.disk().create(currentPath);
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).putInt(MAGIC).putInt(VERSION).putLong(0);
        header.flip();
        current.write(header, 0);
        position = HEADER_SIZE;
        allocated = HEADER_SIZE;
        preallocate(position);
        current.force(true);
        dir.disk().fsyncDirectory(currentPath.getParent());
    }

    private void closeCurrent() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                LOG.warn("Closing {}: {}", currentPath, e.toString());
            }
            current = null;
        }
    }

    /** Writes and syncs what is queued, then stops the sync thread. */
    @Override
    public void close() {
        try {
            enqueue(STOP);
        } catch (IOException alreadyStopped) {
            return;
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
