package dev.keeper.compat.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.JavaClient;
import dev.keeper.server.ServerClock;
import dev.keeper.server.ZkServer;
import dev.keeper.server.persist.TxnLog;
import dev.keeper.server.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.jute.Record;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.Test;

/**
 * A failure inside the processor once a transaction has been handed to the log (here: the log's append itself
 * throws, after recording the transaction, as an apply that broke would leave it) must stop the server: its
 * tree and its log may no longer agree, and carrying on would answer nothing for the request (its client waits
 * for ever) and give the next transaction the same zxid, which replay then skips. The server stops with one
 * line, answers nothing for the broken request, and never logs a zxid twice.
 */
class ProcessorFailureTest {

    /** A log that records the zxids it is given and throws, after recording, on the poisoned setData. */
    private static final class PoisonedLog implements TxnLog {
        final List<Long> zxids = new ArrayList<>();
        private final Supplier<Throwable> failure;

        PoisonedLog(Supplier<Throwable> failure) {
            this.failure = failure;
        }

        @Override
        public synchronized void append(TxnHeader header, Record txn) {
            zxids.add(header.getZxid());
            if (txn instanceof SetDataTxn t && t.getPath().equals("/poison")) {
                Throwable t1 = failure.get();
                if (t1 instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) t1;
            }
        }

        @Override
        public void commit(Runnable release) {
            release.run();
        }

        @Override
        public void close() {
        }

        synchronized List<Long> zxids() {
            return new ArrayList<>(zxids);
        }
    }

    @Test
    void aRuntimeExceptionAfterTheAppend_stopsTheServer_withoutAnsweringOrReusingTheZxid() throws Exception {
        runPoisoned(() -> new IllegalStateException("injected failure after the append"),
                "Stopping: handling");
    }

    @Test
    void anErrorInTheProcessor_stopsTheServer_insteadOfKillingItsThreadSilently() throws Exception {
        runPoisoned(() -> new StackOverflowError("injected"), "Stopping: the request processor failed");
    }

    private static void runPoisoned(Supplier<Throwable> failure, String line) throws Exception {
        PoisonedLog log = new PoisonedLog(failure);
        try (LogCapture capture = new LogCapture()) {
            ZkServer server = ZkServer.startInMemory(
                    Servers.oursConfig(Servers.Settings.defaults()).clientPort(0).build(), ServerClock.SYSTEM, log);
            ZooKeeper zk = JavaClient.connect("127.0.0.1:" + server.port());
            try {
                zk.create("/a", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                zk.create("/poison", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                CompletableFuture<Integer> poisoned = new CompletableFuture<>();
                zk.setData("/poison", new byte[] {1}, -1, (rc, path, ctx, stat) -> poisoned.complete(rc), null);
                // A write right behind it, in the same batch or the next, must not be logged under its zxid.
                CompletableFuture<Integer> behind = new CompletableFuture<>();
                zk.setData("/a", new byte[] {2}, -1, (rc, path, ctx, stat) -> behind.complete(rc), null);

                server.stopped().get(30, TimeUnit.SECONDS);
                assertTrue(server.failed(), "the server reports that it stopped on a failure");
                int rc = poisoned.get(30, TimeUnit.SECONDS);
                assertNotEquals(KeeperException.Code.OK.intValue(), rc, "the broken write was never acknowledged");

                List<Long> zxids = log.zxids();
                for (int i = 1; i < zxids.size(); i++) {
                    assertTrue(zxids.get(i) > zxids.get(i - 1), "zxids handed to the log rise: " + zxids);
                }
                List<String> errors = capture.errors();
                assertEquals(1, errors.size(), "one line says why the server stopped: " + errors);
                assertTrue(errors.get(0).startsWith(line), errors.get(0));
            } finally {
                zk.close(1000);
                server.close();
            }
        }
    }
}
