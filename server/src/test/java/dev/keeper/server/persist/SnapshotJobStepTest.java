package dev.keeper.server.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.tree.DataTree;
import dev.keeper.wire.OpCode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
