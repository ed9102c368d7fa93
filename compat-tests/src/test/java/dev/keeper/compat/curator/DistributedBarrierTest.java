package dev.keeper.compat.curator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.javaclient.OnBothServers;
import dev.keeper.compat.javaclient.ServerUnderTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.barriers.DistributedBarrier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Curator's DistributedBarrier: waiters block on an exists watch until the barrier node is deleted. */
@OnBothServers
class DistributedBarrierTest {
    private static Servers.Handle server;
    private static CuratorFramework controller;
    private static CuratorFramework one;
    private static CuratorFramework two;

    @BeforeAll
    static void start() throws Exception {
        server = ServerUnderTest.start(Servers.Settings.defaults());
        controller = Curators.connect(server.connectString());
        one = Curators.connect(server.connectString());
        two = Curators.connect(server.connectString());
    }

    @AfterAll
    static void stop() {
        Curators.close(controller, one, two, server);
    }

    @Test
    void waitersBlockWhileTheBarrierStands_andAllPassWhenItIsRemoved() throws Exception {
        DistributedBarrier barrier = new DistributedBarrier(controller, "/barrier");
        barrier.setBarrier();
        assertFalse(new DistributedBarrier(one, "/barrier").waitOnBarrier(200, TimeUnit.MILLISECONDS),
                "a standing barrier holds a waiter until its timeout");

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> waiters = new ArrayList<>();
            for (CuratorFramework c : List.of(one, two)) {
                DistributedBarrier b = new DistributedBarrier(c, "/barrier");
                waiters.add(pool.submit(() -> b.waitOnBarrier(Curators.WAIT.toMillis(), TimeUnit.MILLISECONDS)));
            }
            Curators.await(() -> Curators.watchersOn(server.port(), "/barrier") == 2, "both waiters watching the barrier");
            for (Future<Boolean> w : waiters) {
                assertFalse(w.isDone(), "a waiter passed a standing barrier");
            }
            barrier.removeBarrier();
            for (Future<Boolean> w : waiters) {
                assertTrue(w.get(Curators.WAIT.toMillis() + 5_000, TimeUnit.MILLISECONDS),
                        "the waiter passed once the barrier was removed");
            }
        } finally {
            pool.shutdownNow();
        }
        assertNull(controller.checkExists().forPath("/barrier"));
        assertTrue(new DistributedBarrier(one, "/barrier").waitOnBarrier(1, TimeUnit.SECONDS),
                "no barrier, no wait");
    }
}
