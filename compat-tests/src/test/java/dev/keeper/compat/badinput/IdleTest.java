package dev.keeper.compat.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.RawClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.GetDataRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that stay connected and say nothing more: one in the middle of a frame, one that also left its replies
 * unread. Neither server waits forever: after the handshake the session expires (nothing a partial frame carries
 * counts as a ping), its ephemerals go and the connection closes, unread replies or not; before the handshake,
 * the connection has no session and is dropped by the timeout for connections that never finish one. Short
 * ticks keep expiry quick.
 */
class IdleTest {
    private static ServerPair servers;

    @BeforeAll
    static void start() {
        servers = ServerPair.start(Servers.Settings.defaults().withTickTime(200));
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    @Test
    void truncatedRequest_thenIdle_closesWhenTheSessionExpires() throws Exception {
        // ZooKeeper: "Expiring session 0x..., timeout of 1000ms exceeded" (INFO), the closeSession txn removes
        // the ephemeral, then the connection closes, about one session timeout after the last whole frame.
        String ephemeral = "/idle-after-partial-frame";
        ServerPair.Run ours = servers.expect(List.of(
                "reply xid=1 zxid=+1 err=0 body=" + RawClient.hex(new CreateResponse(ephemeral)),
                "closed", "ephemeral gone"), (c, b) -> {
            List<String> seen = new ArrayList<>();
            c.handshake(1000);
            c.baseline();
            c.send(1, ZooDefs.OpCode.create, new CreateRequest(ephemeral, new byte[0],
                    ZooDefs.Ids.OPEN_ACL_UNSAFE, 1));
            seen.add(c.see(Duration.ofSeconds(5)));
            c.writeInt(100);
            c.writeRaw(new byte[10]);
            seen.add(c.see(Duration.ofSeconds(20)));
            assertNull(b.client().exists(ephemeral, false), "the expired session's ephemeral is gone");
            seen.add("ephemeral gone");
            return seen;
        });
        servers.log.assertOneLine(ours.clientPort(), ours.sessionId(), "Expiring session");
    }

    @Test
    void clientThatStopsReadingAndGoesIdle_isClosedWhenItsSessionExpires_backlogAndAll() throws Exception {
        // 30 MB of replies it never reads (within ours' 64 MiB bound) and no pings: the session expires, and
        // ZooKeeper closes the socket at once (NIOServerCnxnFactory.closeSession), dropping what was queued. A
        // reader then gets what the kernels held, and the close.
        ServerPair.Run ours = servers.expect(List.of("some of the replies, then closed"), 8192, (c, b) -> {
            String path = "/idle-unread";
            b.client().create(path, new byte[1_000_000], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            c.handshake(1000);
            for (int xid = 1; xid <= 30; xid++) {
                c.send(xid, ZooDefs.OpCode.getData, new GetDataRequest(path, false));
            }
            Thread.sleep(3000);
            int frames = 0;
            RawClient.Next n;
            while ((n = c.next(Duration.ofSeconds(5))) instanceof RawClient.Frame && frames < 30) {
                frames++;
            }
            b.client().delete(path, -1);
            return List.of((frames < 30 ? "some" : "all") + " of the replies, then " + c.describe(n));
        });
        servers.log.assertOneLine(ours.clientPort(), ours.sessionId(), "Expiring session");
    }

    @Test
    void truncatedFirstFrame_thenIdle_closesAfterTheHandshakeTimeout() throws Exception {
        // ZooKeeper drops a connection without a session after zookeeper.nio.sessionlessCnxnTimeout (10 s),
        // counted in 10 s expiry buckets, so 10 to 20 s; it logs nothing at INFO. Ours waits 10 s. The two run
        // side by side to keep the wait to one.
        ServerPair.Script script = (c, b) -> {
            c.writeInt(100);
            c.writeRaw(new byte[10]);
            return List.of(c.see(Duration.ofSeconds(30)));
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<ServerPair.Run> onZooKeeper = () -> ServerPair.run(servers.zookeeper, script);
            Callable<ServerPair.Run> onOurs = () -> ServerPair.run(servers.ours, script);
            Future<ServerPair.Run> zk = pool.submit(onZooKeeper);
            Future<ServerPair.Run> ours = pool.submit(onOurs);
            assertEquals(List.of("closed"), zk.get(60, TimeUnit.SECONDS).seen(), "ZooKeeper's behaviour");
            ServerPair.Run mine = ours.get(60, TimeUnit.SECONDS);
            assertEquals(List.of("closed"), mine.seen(), "ours behaves as ZooKeeper does");
            servers.log.assertOneLine(mine.clientPort(), 0, "no handshake");
        } finally {
            pool.shutdownNow();
        }
    }
}
