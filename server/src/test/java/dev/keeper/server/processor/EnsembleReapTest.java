package dev.keeper.server.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.ServerClock;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.metrics.ServerMetrics;
import dev.keeper.server.persist.TxnLog;
import dev.keeper.server.tree.DataTree;
import dev.keeper.wire.OpCode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.SetDataRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * In an ensemble the leader's reaper proposes a deleteContainer, and writes other members proposed may be applied
 * before it: each member checks again, when it applies the reap, that the node is still one to delete at the time
 * the leader proposed it. The processor here is one member that leads; the log is the test, which applies the
 * proposals it captured in the order it chooses.
 */
class EnsembleReapTest {
    private static final long SESSION = 0x0100000000000001L;
    private static final long T0 = 1_700_000_000_000L;

    private final AtomicLong wall = new AtomicLong(T0);
    private final List<Proposal> proposed = new CopyOnWriteArrayList<>();
    private final RequestProcessor processor = new RequestProcessor(
            ServerConfig.builder().extendedTypesEnabled(true).build(), clock(), new DataTree(true), TxnLog.NONE,
            null, new ServerMetrics(), () -> { }, new LeaderOfOne());
    private int cxid;

    private ServerClock clock() {
        return new ServerClock() {
            @Override
            public long wallMillis() {
                return wall.get();
            }

            @Override
            public long elapsedMillis() {
                return wall.get() - T0;
            }
        };
    }

    private final class LeaderOfOne implements Broadcast {
        @Override
        public long myId() {
            return 1;
        }

        @Override
        public void propose(Proposal p) {
            proposed.add(p);
        }

        @Override
        public boolean leads() {
            return true;
        }

        @Override
        public boolean serving() {
            return true;
        }

        @Override
        public void reportTouches(long[] sessions) {
        }

        @Override
        public void syncPoint(java.util.function.Consumer<Throwable> caughtUp) {
            caughtUp.accept(null); // not reached: these tests send no sync
        }
    }

    @AfterEach
    void stop() {
        processor.stop();
    }

    /** Applies {@code p} as if the log had committed it, and waits until the processor has. */
    private void apply(Proposal p) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        processor.submit(new Event.Apply(p, 1, done::countDown));
        assertTrue(done.await(10, TimeUnit.SECONDS));
    }

    private void write(int opCode, Object body) throws InterruptedException {
        apply(Proposal.request(2, SESSION, ++cxid, opCode, wall.get(), List.of(), body, false, 0));
    }

    /** The reaper runs on the leader; returns the deleteContainer it proposed. */
    private Proposal reap() throws InterruptedException {
        proposed.clear();
        processor.submit(new Event.ReapContainers());
        CountDownLatch done = new CountDownLatch(1);
        processor.submit(new Event.Task(done::countDown));
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(1, proposed.size(), "one node to reap: " + proposed);
        assertEquals(OpCode.DELETE_CONTAINER, proposed.get(0).opCode());
        return proposed.get(0);
    }

    private void start() throws InterruptedException {
        processor.start();
        apply(Proposal.createSession(2, SESSION, 30_000, wall.get()));
    }

    @Test
    void anExpiredTtlNode_isDeletedByTheReap() throws InterruptedException {
        start();
        write(OpCode.CREATE_TTL, new CreateTTLRequest("/ttl", new byte[1], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT_WITH_TTL.toFlag(), 1_000));
        wall.addAndGet(2_000);
        Proposal reap = reap();
        long before = processor.tree().lastZxid();
        apply(reap);
        assertNull(processor.tree().find("/ttl"));
        assertEquals(before + 1, processor.tree().lastZxid(), "the delete took a zxid");
    }

    @Test
    void aTtlNodeChangedAfterTheLeaderDecided_survivesTheReap_andNoZxidIsTaken() throws InterruptedException {
        start();
        write(OpCode.CREATE_TTL, new CreateTTLRequest("/ttl", new byte[1], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT_WITH_TTL.toFlag(), 1_000));
        wall.addAndGet(2_000);
        Proposal reap = reap();
        write(OpCode.SET_DATA, new SetDataRequest("/ttl", new byte[] {7}, -1)); // committed before the reap
        long before = processor.tree().lastZxid();
        apply(reap);
        assertNotNull(processor.tree().find("/ttl"), "changed a moment ago: its TTL starts again");
        assertEquals(before, processor.tree().lastZxid());
    }

    @Test
    void aContainerThatGotAChildAgain_orWasMadeAgain_survivesTheReap() throws InterruptedException {
        start();
        CreateRequest container = new CreateRequest("/c", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.CONTAINER.toFlag());
        write(OpCode.CREATE_CONTAINER, container);
        write(OpCode.CREATE, new CreateRequest("/c/x", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 0));
        write(OpCode.DELETE, new DeleteRequest("/c/x", -1));
        Proposal first = reap();
        write(OpCode.CREATE, new CreateRequest("/c/y", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 0));
        apply(first);
        assertNotNull(processor.tree().find("/c"), "it has a child again");

        write(OpCode.DELETE, new DeleteRequest("/c/y", -1));
        Proposal second = reap();
        write(OpCode.DELETE, new DeleteRequest("/c", -1));
        write(OpCode.CREATE_CONTAINER, container); // a new container, which never had a child
        apply(second);
        assertNotNull(processor.tree().find("/c"), "the container made again never had a child");
    }
}
