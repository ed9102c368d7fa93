package dev.keeper.compat.curator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.javaclient.OnBothServers;
import dev.keeper.compat.javaclient.ServerUnderTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.api.transaction.OperationType;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The framework calls applications make directly: transactions ({@code multi}, all or nothing) and
 * {@code creatingParentContainersIfNeeded} (parents created as containers with opcode 19, which the server
 * deletes once they have had a child and are empty again).
 */
@OnBothServers
class FrameworkOperationsTest {
    private static Servers.Handle server;
    private static CuratorFramework client;

    @BeforeAll
    static void start() throws Exception {
        // Empty containers are looked for every 100 ms instead of every minute, so the test can watch them go.
        server = ServerUnderTest.startWithContainerCheck(Servers.Settings.defaults(), 100);
        client = Curators.connect(server.connectString());
    }

    @AfterAll
    static void stop() {
        Curators.close(client, server);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void transaction_appliesEveryOperation_andReportsEachResult() throws Exception {
        client.create().forPath("/tx", bytes("v0"));
        client.create().forPath("/tx/old");
        List<CuratorTransactionResult> results = client.transaction().forOperations(
                client.transactionOp().check().withVersion(0).forPath("/tx"),
                client.transactionOp().setData().forPath("/tx", bytes("v1")),
                client.transactionOp().create().forPath("/tx/a", bytes("a")),
                client.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath("/tx/s-"),
                client.transactionOp().delete().forPath("/tx/old"));

        assertEquals(List.of(OperationType.CHECK, OperationType.SET_DATA, OperationType.CREATE,
                OperationType.CREATE, OperationType.DELETE), results.stream().map(r -> r.getType()).toList());
        assertEquals(1, results.get(1).getResultStat().getVersion(), "setData's stat in the result");
        assertEquals("/tx/a", results.get(2).getResultPath());
        String sequential = results.get(3).getResultPath();
        assertTrue(sequential.matches("/tx/s-\\d{10}"), sequential);

        assertArrayEquals(bytes("v1"), client.getData().forPath("/tx"));
        assertArrayEquals(bytes("a"), client.getData().forPath("/tx/a"));
        assertNotNull(client.checkExists().forPath(sequential));
        assertNull(client.checkExists().forPath("/tx/old"));
        Stat committed = client.checkExists().forPath("/tx");
        assertEquals(results.get(1).getResultStat().getMzxid(), committed.getMzxid(), "one zxid for the lot");
        assertEquals(committed.getMzxid(), client.checkExists().forPath("/tx/a").getCzxid());
    }

    @Test
    void failedTransaction_changesNothing_andReportsTheFailingOperation() throws Exception {
        client.create().forPath("/txf", bytes("v0"));
        assertThrows(KeeperException.BadVersionException.class, () -> client.transaction().forOperations(
                client.transactionOp().create().forPath("/txf/made-first"),
                client.transactionOp().check().withVersion(99).forPath("/txf"),
                client.transactionOp().setData().forPath("/txf", bytes("v1"))));
        assertNull(client.checkExists().forPath("/txf/made-first"), "the op before the failure was undone");
        assertArrayEquals(bytes("v0"), client.getData().forPath("/txf"));

        CompletableFuture<CuratorEvent> background = new CompletableFuture<>();
        client.transaction().inBackground((c, event) -> background.complete(event)).forOperations(
                client.transactionOp().create().forPath("/txf/made-first"),
                client.transactionOp().check().withVersion(99).forPath("/txf"),
                client.transactionOp().setData().forPath("/txf", bytes("v1")));
        CuratorEvent event = background.get(Curators.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(KeeperException.Code.BADVERSION.intValue(), event.getResultCode());
        // ZooKeeper's failed multi: ops before the failure report 0, the failing op its code, later ops -2.
        assertEquals(List.of(0, KeeperException.Code.BADVERSION.intValue(),
                        KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()),
                event.getOpResults().stream().map(CuratorTransactionResult::getError).toList());
        assertNull(client.checkExists().forPath("/txf/made-first"));
    }

    @Test
    void creatingParentContainersIfNeeded_makesContainerParents_whichGoOnceEmpty() throws Exception {
        client.create().forPath("/keep");
        String leaf = client.create().creatingParentContainersIfNeeded().forPath("/keep/c1/c2/leaf", bytes("l"));
        assertEquals("/keep/c1/c2/leaf", leaf);
        assertArrayEquals(bytes("l"), client.getData().forPath(leaf));
        // A container looks like a persistent node to clients: ephemeralOwner 0 (EphemeralType's marker stays
        // inside the server).
        assertEquals(0L, client.checkExists().forPath("/keep/c1").getEphemeralOwner());
        assertEquals(0L, client.checkExists().forPath("/keep/c1/c2").getEphemeralOwner());
        client.create().creatingParentContainersIfNeeded().forPath("/keep/c1/c2/leaf2");

        CuratorFramework other = Curators.connect(server.connectString());
        try {
            other.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .forPath("/cont/x/eph");
            assertNotNull(client.checkExists().forPath("/cont/x/eph"));
        } finally {
            other.close();
        }

        client.delete().forPath("/keep/c1/c2/leaf");
        client.delete().forPath("/keep/c1/c2/leaf2");
        Curators.await(() -> absent("/keep/c1"), "the emptied containers /keep/c1/c2 and /keep/c1 to be deleted");
        Curators.await(() -> absent("/cont"), "the containers left empty by a closed session to be deleted");
        assertNotNull(client.checkExists().forPath("/keep"), "a persistent parent stays");
    }

    private static boolean absent(String path) {
        try {
            return client.checkExists().forPath(path) == null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
