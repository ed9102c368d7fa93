package dev.keeper.compat.badinput;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.RawClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.GetDataRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that reads, slowly, and keeps pinging: not bad input, but the case a bound on unread output must not
 * hurt. ZooKeeper keeps reading a connection whatever its backlog ({@code NIOServerCnxn} only stops reading
 * under its global outstanding-request throttle), so the pings keep the session alive and everything arrives.
 * Ours, with its default bound of 64 MiB, must do the same.
 */
class SlowReaderTest {
    /** Keeps the kernel from buffering much on the client's side, so the backlog builds up in the server. */
    private static final int SMALL_RECEIVE_BUFFER = 8192;
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
    void slowReader_thatKeepsPinging_keepsItsSession_andGetsEverything() throws Exception {
        // A live client on a slow link: it reads about 2.5 MB/s and pings every 300 ms. The backlog outlasts its
        // 1 s session timeout (short ticks keep expiry prompt); ZooKeeper keeps reading its pings, so it lives.
        int requests = 10;
        List<String> expected = List.of(requests + " of " + requests + " replies", "alive");
        servers.expect(expected, SMALL_RECEIVE_BUFFER, (c, b) -> {
            String path = "/big-slow";
            b.client().create(path, new byte[1_000_000], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            c.handshake(1000);
            for (int xid = 1; xid <= requests; xid++) {
                c.send(xid, ZooDefs.OpCode.getData, new GetDataRequest(path, false));
            }
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread pinger = new Thread(() -> {
                while (reading.get() && c.trySend(-2, ZooDefs.OpCode.ping, null)) {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            pinger.start();
            List<String> seen = new ArrayList<>();
            try {
                int replies = 0;
                String last = "";
                for (int frames = 0; replies < requests && frames < 1000; frames++) {
                    RawClient.Next n = c.next(Duration.ofSeconds(5));
                    if (!(n instanceof RawClient.Frame f)) {
                        last = ", then " + c.describe(n);
                        break;
                    }
                    if (f.xid() > 0) {
                        replies++;
                        Thread.sleep(400);
                    }
                }
                seen.add(replies + " of " + requests + " replies" + last);
            } finally {
                reading.set(false);
                pinger.join(5000);
            }
            seen.add(c.alive());
            b.client().delete(path, -1);
            return seen;
        });
    }
}
