package dev.keeper.server.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.tree.DataTree;
import dev.keeper.server.tree.Znode;
import dev.keeper.wire.OpCode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk's steps are bounded by a node count and a time budget, and every step moves the walk on: with no
 * time left at all, and with "no limit" (Long.MAX_VALUE nanoseconds, which once overflowed a deadline sum and
 * stopped every step before its first node, so start-up snapshots spun forever).
 */
class SnapshotJobStepTest {
    @TempDir
    Path tmp;

    @Test
    void noTimeLimit_walksTheTreeInCountBoundedSteps() throws Exception {
        assertEquals(5, stepsToWalk(50, Long.MAX_VALUE), "203 nodes, at most 50 a step");
        assertEquals(1, stepsToWalk(1000, Long.MAX_VALUE), "203 nodes, at most 1000 a step");
    }

    @Test
    void zeroTimeBudget_stillMakesProgressEveryStep() throws Exception {
        assertEquals(4, stepsToWalk(1000, 0), "the clock is read every 64 nodes: 203 nodes take 4 steps");
    }

    /**
     * The start-up snapshot waits for the writer to drain a chunk whenever it is too far behind, rather than
     * spinning on a core: no step of its walk is taken in vain. The writer is held back until the walk waits (or
     * for at most 10 s, which a walk that spins instead would spend stepping in vain); 200,000 nodes are about
     * 17 MB of chunks, many times what may be pending at once.
     */
    @Test
    void startUpSnapshot_waitsForTheWriter_andReadsBackWhole() throws Exception {
        DataTree tree = new DataTree(false);
        for (int i = 0; i < 200_000; i++) {
            tree.apply(new TxnHeader(1, i + 1, i + 1, 0, OpCode.CREATE),
                    new CreateTxn("/node-" + i, new byte[] {(byte) i}, History.OPEN, false, i + 1));
        }
        ExecutorService writer = Executors.newSingleThreadExecutor();
        CountDownLatch gate = new CountDownLatch(1);
        writer.submit(() -> gate.await(30, TimeUnit.SECONDS));
        Thread walker = Thread.currentThread();
        Thread opener = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (walker.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
            gate.countDown();
        });
        opener.start();
        try (DataDir dir = DataDir.open(tmp, null)) {
            SnapshotJob job = SnapshotJob.runNow(tree, dir, writer);
            assertEquals(0, job.stepsInVain());
            DataTree back = new DataTree(false);
            back.setLastZxid(SnapshotFile.read(job.file(), back));
            assertEquals(200_000, back.lastZxid());
            assertEquals(tree.nodeCount(), back.nodeCount());
            for (int i = 0; i < 200_000; i++) {
                Znode z = back.find("/node-" + i);
                assertEquals(i + 1, z.czxid());
                assertEquals((byte) i, z.data()[0]);
            }
        } finally {
            gate.countDown();
            opener.join();
            writer.shutdown();
        }
    }

    /** Walks a tree of /n0../n199 plus /zookeeper's three nodes (the root goes with the job's start). */
    private int stepsToWalk(int maxNodes, long budgetNanos) throws Exception {
        DataTree tree = new DataTree(false);
        for (int i = 0; i < 200; i++) {
            tree.apply(new TxnHeader(1, i + 1, i + 1, 0, OpCode.CREATE),
                    new CreateTxn("/n" + i, new byte[0], History.OPEN, false, i + 1));
        }
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (DataDir dir = DataDir.open(tmp, null)) {
            SnapshotJob job = new SnapshotJob(tree, dir, writer, SnapshotJob.Durability.ALREADY);
            int steps = 0;
            for (int attempts = 0; attempts < 10_000; attempts++) {
                if (!job.canStep()) {
                    Thread.sleep(1); // the writer is behind: a step now would do nothing
                    continue;
                }
                steps++;
                if (job.step(maxNodes, budgetNanos)) {
                    break;
                }
            }
            writer.shutdown();
            assertTrue(writer.awaitTermination(30, TimeUnit.SECONDS));
            assertTrue(job.finished(), "the walk never finished");
            assertEquals(null, job.failure());
            assertEquals(List.of(job.file()), dir.snapshots());
            return steps;
        }
    }
}
