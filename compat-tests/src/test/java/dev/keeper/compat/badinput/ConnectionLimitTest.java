package dev.keeper.compat.badinput;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.RawClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.GetDataRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code maxClientCnxns}: connections per client address. ZooKeeper's NIOServerCnxnFactory checks the count when
 * it accepts a socket and closes the one over the limit at once, before reading a byte ("Too many connections
 * from /127.0.0.1 - max is 3", WARN); the connections it already has carry on, and a slot frees when one closes.
 *
 * <p>ZooKeeper counts a connection only once its selector thread has registered it, so connections opened back
 * to back can slip past the limit; the test opens them one at a time, each with its handshake done.
 */
class ConnectionLimitTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int MAX = 3;
    private static ServerPair servers;

    @BeforeAll
    static void start() {
        servers = ServerPair.start(Servers.Settings.defaults().withMaxClientCnxns(MAX));
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    @Test
    void connectionOverMaxClientCnxns_isClosed_andTheOthersKeepWorking() throws Exception {
        // The bystander holds one of the three slots, the script's own connection the second, a third session the
        // last (its createSession takes a zxid, hence +1 after the baseline).
        int[] extraPort = new int[1];
        ServerPair.Run ours = servers.expect(List.of(
                "reply xid=1 zxid=+1 err=0 body=72 bytes",
                "extra: closed",
                "reply xid=2 zxid=+1 err=0 body=72 bytes",
                "third: reply xid=1 zxid=+0 err=0 body=72 bytes",
                "after a close: accepted"), (c, b) -> {
            List<String> seen = new ArrayList<>();
            c.handshake(30_000);
            c.baseline();
            try (RawClient third = RawClient.connect(c.serverPort())) {
                third.handshake(30_000);
                third.baseline();
                try (Socket extra = new Socket()) {
                    extra.bind(new InetSocketAddress("127.0.0.1", 0));
                    extraPort[0] = extra.getLocalPort();
                    String saw = connectAndRead(extra, c.serverPort());
                    c.send(1, ZooDefs.OpCode.getData, new GetDataRequest("/zookeeper", false));
                    seen.add(c.see(WAIT));
                    seen.add("extra: " + saw);
                }
                c.send(2, ZooDefs.OpCode.getData, new GetDataRequest("/zookeeper", false));
                seen.add(c.see(WAIT));
                third.send(1, ZooDefs.OpCode.getData, new GetDataRequest("/zookeeper", false));
                seen.add("third: " + third.see(WAIT));
            }
            seen.add("after a close: " + (acceptedWithinTenSeconds(c.serverPort()) ? "accepted" : "refused"));
            return seen;
        });
        servers.log.assertOneLine(extraPort[0], 0, "Too many connections");
    }

    /**
     * What a connection over the limit sees: ZooKeeper closes it as it accepts it, so fast that the connect
     * itself can fail (a reset before the connect completes); either way it is closed with nothing sent.
     */
    private static String connectAndRead(Socket s, int port) throws IOException {
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout((int) WAIT.toMillis());
            int first = s.getInputStream().read();
            return first < 0 ? "closed" : "got a byte";
        } catch (SocketTimeoutException e) {
            return "silent";
        } catch (SocketException e) {
            return "closed";
        }
    }

    /** The server frees a slot when it notices a close, which takes it a moment: retry, bounded. */
    private static boolean acceptedWithinTenSeconds(int port) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (RawClient c = RawClient.connect(port)) {
                c.handshake(30_000);
                return true;
            } catch (IOException refused) {
                Thread.sleep(100);
            }
        }
        return false;
    }
}
