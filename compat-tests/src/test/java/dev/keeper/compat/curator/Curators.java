package dev.keeper.compat.curator;

import dev.keeper.compat.support.FourLetterWord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.ZooKeeper;

/** Curator clients as an application builds them, and the bounded waits the recipe tests share. */
final class Curators {
    static final Duration WAIT = Duration.ofSeconds(10);

    private Curators() {
    }

    /** A started client with its own session, connected before it is returned. */
    static CuratorFramework connect(String connectString) throws InterruptedException {
        return connect(connectString, 10_000);
    }

    static CuratorFramework connect(String connectString, int sessionTimeoutMs) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(sessionTimeoutMs)
                .connectionTimeoutMs(5_000)
                .retryPolicy(new RetryNTimes(3, 100))
                .build();
        client.start();
        if (!client.blockUntilConnected((int) WAIT.toSeconds(), TimeUnit.SECONDS)) {
            client.close();
            throw new AssertionError("Curator did not connect to " + connectString + " within " + WAIT);
        }
        return client;
    }

    static void close(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                // teardown: the test's outcome is already decided
            }
        }
    }

    /**
     * Stops the client's current ZooKeeper connection without closing its session, as a crashed process would:
     * the server is left to expire the session after its timeout. Curator notices (Expired) and opens a new one.
     */
    static long abandonSession(CuratorFramework client) throws Exception {
        ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
        long id = zk.getSessionId();
        zk.getTestable().injectSessionExpiration();
        return id;
    }

    /** Polls {@code condition} until it holds, for at most {@link #WAIT}. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + WAIT);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Returns once every watch event this client's session received before the reply to a {@code sync} has been
     * handed to its watchers (they run on the ZooKeeper client's event thread, ahead of the sync's callback).
     */
    static void barrier(CuratorFramework client) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        client.sync().inBackground((c, event) -> done.countDown()).forPath("/");
        if (!done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("sync did not complete within " + WAIT);
        }
    }

    /** How many sessions watch {@code path}, from the {@code wchp} four-letter word (ZooKeeper's data watches). */
    static int watchersOn(int port, String path) {
        try {
            String out = FourLetterWord.ask(port, "wchp");
            int count = 0;
            boolean inPath = false;
            for (String line : out.split("\n")) {
                if (!line.startsWith("\t")) {
                    inPath = line.equals(path);
                } else if (inPath) {
                    count++;
                }
            }
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
