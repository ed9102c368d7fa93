package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The partition harness's one moving part, against an echo server: an open link forwards both ways; a black hole
 * moves nothing on old or new connections, closes nothing, and delivers what it held when healed; a reset link
 * resets its connections and every new one.
 */
class DirectedLinkTest {
    private static final InetAddress TARGET = Links.address(2, 2);
    private static final InetAddress LINK = Links.address(1, 2);

    private ServerSocket echo;
    private DirectedLink link;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress(TARGET, 0));
        Thread t = new Thread(this::echoLoop, "echo");
        t.setDaemon(true);
        t.start();
        link = new DirectedLink("1->2", LINK, TARGET, echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        link.close();
        echo.close();
    }

    private void echoLoop() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(() -> {
                    try (s) {
                        s.getInputStream().transferTo(s.getOutputStream());
                    } catch (IOException e) {
                        // the link reset it
                    }
                });
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private Socket dial() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(LINK, echo.getLocalPort()), 5_000);
        s.setSoTimeout(1_000);
        return s;
    }

    private static byte[] roundTrip(Socket s, String text) throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
        s.getOutputStream().write(sent);
        s.getOutputStream().flush();
        return s.getInputStream().readNBytes(sent.length);
    }

    @Test
    void open_forwardsBothWays() throws IOException {
        try (Socket s = dial()) {
            assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), roundTrip(s, "ping"));
        }
    }

    @Test
    void blackHole_movesNothingOnOldOrNewConnections_andDeliversItWhenHealed() throws IOException {
        try (Socket old = dial()) {
            assertArrayEquals("a".getBytes(StandardCharsets.US_ASCII), roundTrip(old, "a"));
            link.cut(DirectedLink.Cut.BLACK_HOLE);
            old.getOutputStream().write("held".getBytes(StandardCharsets.US_ASCII));
            InputStream in = old.getInputStream();
            assertThrows(SocketTimeoutException.class, in::read, "nothing comes back through a black hole");
            try (Socket fresh = dial()) {
                fresh.getOutputStream().write("new".getBytes(StandardCharsets.US_ASCII));
                assertThrows(SocketTimeoutException.class, fresh.getInputStream()::read, "nor on a new connection");
                link.heal();
                old.setSoTimeout(10_000);
                fresh.setSoTimeout(10_000);
                assertEquals("held", new String(in.readNBytes(4), StandardCharsets.US_ASCII));
                assertEquals("new", new String(fresh.getInputStream().readNBytes(3), StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void reset_endsOldConnections_andRefusesNewOnes_untilHealed() throws IOException {
        try (Socket old = dial()) {
            assertArrayEquals("a".getBytes(StandardCharsets.US_ASCII), roundTrip(old, "a"));
            link.cut(DirectedLink.Cut.RESET);
            old.setSoTimeout(10_000);
            assertThrows(IOException.class, () -> {
                if (old.getInputStream().read() < 0) {
                    throw new IOException("closed");
                }
            });
            try (Socket fresh = dial()) {
                fresh.setSoTimeout(10_000);
                assertThrows(IOException.class, () -> {
                    if (roundTrip(fresh, "x").length < 1) {
                        throw new IOException("closed");
                    }
                });
            }
        }
        link.heal();
        try (Socket s = dial()) {
            assertArrayEquals("again".getBytes(StandardCharsets.US_ASCII), roundTrip(s, "again"));
        }
    }
}
