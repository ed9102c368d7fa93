package dev.keeper.compat.javaclient;

import dev.keeper.compat.support.JavaClient;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;

/** Connecting stock clients, and the small round trips the lifecycle tests lean on. */
final class Clients {
    static final Duration WAIT = Duration.ofSeconds(10);

    private Clients() {
    }

    /** A new session, connected (SyncConnected seen) before it is returned. */
    static ZooKeeper connect(String connectString, int sessionTimeoutMs, EventLog log) throws Exception {
        ZooKeeper zk = new ZooKeeper(connectString, sessionTimeoutMs, log);
        awaitConnected(zk, log, 0);
        return zk;
    }

    static ZooKeeper connect(String connectString) throws Exception {
        return connect(connectString, 10_000, new EventLog());
    }

    static void awaitConnected(ZooKeeper zk, EventLog log, int mark) throws Exception {
        try {
            log.awaitState(mark, KeeperState.SyncConnected, WAIT);
        } catch (AssertionError e) {
            zk.close();
            throw e;
        }
    }

    /**
     * Closes the client's socket under it ({@code getTestable().closeSocket()}); the client then reconnects to the
     * same session on a new connection. Closing a socket does not wake the client's selector, so without more it
     * would notice only at its next ping (a third of the session timeout later); queuing a request wakes it at
     * once. That request ends in ConnectionLoss, which is the point: it is the old connection's.
     */
    static void dropConnection(ZooKeeper zk) throws Exception {
        zk.getTestable().closeSocket();
        zk.exists("/", false, (rc, path, ctx, stat) -> { }, null);
    }

    /**
     * Returns once every event the server sent this client before the reply to a {@code sync} has been handed to
     * the watchers: the reply travels behind those events on the connection, and its callback runs on the same
     * event thread after them.
     */
    static void barrier(ZooKeeper zk) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        int[] rc = {Integer.MIN_VALUE};
        zk.sync("/", (code, path, ctx) -> {
            rc[0] = code;
            done.countDown();
        }, null);
        if (!done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("sync did not complete within " + WAIT);
        }
        if (rc[0] != KeeperException.Code.OK.intValue()) {
            throw new AssertionError("sync failed: " + KeeperException.Code.get(rc[0]));
        }
    }

    /**
     * Runs {@code call}, repeating it while it fails with ConnectionLoss, for at most {@link #WAIT}: for the moments
     * a live session's connection is being replaced and a request may be cut off.
     */
    static <T> T retryingConnectionLoss(JavaClient.Call<T> call) throws Exception {
        return JavaClient.retryingConnectionLoss(WAIT, call);
    }

    static void closeQuietly(ZooKeeper zk) {
        if (zk == null) {
            return;
        }
        try {
            zk.close(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
