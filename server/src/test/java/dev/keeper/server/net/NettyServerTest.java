package dev.keeper.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keeper.server.ServerClock;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.metrics.ServerMetrics;
import dev.keeper.server.persist.TxnLog;
import dev.keeper.server.processor.RequestProcessor;
import dev.keeper.server.tree.DataTree;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

class NettyServerTest {
    private static final int ADDRESSES = 200;

    /**
     * maxClientCnxns counts connections per client address; an address with none open must not keep an entry,
     * or a server that sees many addresses over its life (clients behind NAT pools, a scan) grows without end.
     */
    @Test
    void perAddressCounts_forgetAnAddressOnceItsLastConnectionCloses() throws Exception {
        ServerConfig config = ServerConfig.builder().maxClientCnxns(1).build();
        RequestProcessor processor = new RequestProcessor(config, ServerClock.SYSTEM, new DataTree(false),
                TxnLog.NONE, null, new ServerMetrics(), () -> { });
        processor.start();
        NettyServer net = new NettyServer(config, processor, new ServerMetrics());
        try {
            InetSocketAddress server = net.start(null);
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < ADDRESSES; i++) {
                // every 127.x.y.z address is this machine's loopback on Linux
                Socket s = new Socket();
                s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, (byte) (i / 250),
                    (byte) (2 + i % 250)}), 0));
                s.connect(server);
                sockets.add(s);
            }
            awaitEquals(ADDRESSES, net::addressesTracked, "one entry per address with a connection open");
            for (Socket s : sockets) {
                s.close();
            }
            awaitEquals(0, net::addressesTracked, "no entry once every connection has closed");
            assertEquals(0, net.connections().size());
        } finally {
            net.close();
            processor.stop();
        }
    }

    private static void awaitEquals(int expected, IntSupplier actual, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (actual.getAsInt() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, actual.getAsInt(), what);
    }
}
