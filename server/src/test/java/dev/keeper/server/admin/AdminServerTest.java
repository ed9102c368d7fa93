package dev.keeper.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keeper.server.ZkServer;
import dev.keeper.server.config.AdminConfig;
import dev.keeper.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AdminServer's HTTP handling, in process, over a real socket: keep-alive, what is not a command, the idle
 * timeout that ends a connection left open (a browser tab), and the commands that read the processor's state.
 * What ZooKeeper answers is compared in compat-tests (AdminServerDiffTest).
 */
class AdminServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ZkServer start(int idleTimeoutMs) throws IOException {
        AdminConfig admin = new AdminConfig(true, "127.0.0.1", 0, "/commands", idleTimeoutMs, false, false, false,
                null, true, true, 300_000);
        return ZkServer.start(ServerConfig.builder().dataDir(dir).admin(admin).build());
    }

    /** Sends {@code request} as it is and reads one response: the status line, and the body (by Content-Length). */
    private static String[] exchange(Socket s, String request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        // a HEAD response's Content-Length is the GET's; no body follows
        String body = request.startsWith("HEAD ") ? "" : new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new String[] {headers.substring(0, headers.indexOf("\r\n")), body, headers};
    }

    private static Socket connect(InetSocketAddress a) throws IOException {
        Socket s = new Socket(a.getAddress(), a.getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    @Test
    void oneConnection_answersRequestAfterRequest() throws Exception {
        try (ZkServer server = start(30_000); Socket s = connect(server.adminAddress())) {
            for (String command : new String[] {"ruok", "srvr", "dirs", "watch_summary", "monitor"}) {
                String[] r = exchange(s, "GET /commands/" + command + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("HTTP/1.1 200 OK", r[0], command);
                JsonNode json = JSON.readTree(r[1]);
                assertEquals(command.equals("srvr") ? "server_stats" : command, json.get("command").asText());
                assertTrue(json.get("error").isNull(), r[1]);
            }
            String[] monitor = exchange(s, "GET /commands/mntr HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("standalone", JSON.readTree(monitor[1]).get("server_state").asText());
            assertEquals(5, JSON.readTree(monitor[1]).get("znode_count").asLong(),
                    "four nodes, reported as ZooKeeper reports them (its map holds the root twice)");
        }
    }

    @Test
    void whatIsNotACommand_getsHttpsAnswers() throws Exception {
        try (ZkServer server = start(30_000); Socket s = connect(server.adminAddress())) {
            assertEquals("HTTP/1.1 404 Not Found", exchange(s, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n")[0]);
            assertEquals("HTTP/1.1 405 Method Not Allowed",
                    exchange(s, "PUT /commands/ruok HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")[0]);
            String[] head = exchange(s, "HEAD /commands/ruok HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK", head[0]);
            assertEquals("", head[1]);
            String[] links = exchange(s, "GET /commands HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(links[1].contains("<a href=\"/commands/zabstate\">zabstate</a>"), links[1]);
            String[] post = exchange(s, "POST /commands/ruok HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
            assertEquals("HTTP/1.1 500 Internal Server Error", post[0]);
            assertEquals("ruok takes GET, not POST", JSON.readTree(post[1]).get("error").asText());
            assertEquals("HTTP/1.1 200 OK", exchange(s, "GET /commands/ruok HTTP/1.1\r\nHost: x\r\n\r\n")[0],
                    "the connection serves on after each of them");
        }
    }

    /** A restore posted without credentials is refused before its body is read; the connection goes on. */
    @Test
    void restoreWithoutCredentials_isRefusedAndItsBodyDropped() throws Exception {
        try (ZkServer server = start(30_000); Socket s = connect(server.adminAddress())) {
            String body = "x".repeat(100_000);
            String[] r = exchange(s, "POST /commands/restore HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body);
            assertEquals("HTTP/1.1 401 Unauthorized", r[0]);
            assertEquals("HTTP/1.1 200 OK", exchange(s, "GET /commands/ruok HTTP/1.1\r\nHost: x\r\n\r\n")[0]);
        }
    }

    /** A connection that sends nothing is closed after admin.idleTimeout, as Jetty's connector closes it. */
    @Test
    void idleConnection_isClosedAfterTheIdleTimeout() throws Exception {
        try (ZkServer server = start(300); Socket s = connect(server.adminAddress())) {
            long start = System.nanoTime();
            try {
                assertEquals(-1, s.getInputStream().read(), "closed, nothing sent");
            } catch (SocketTimeoutException e) {
                throw new AssertionError("still open after 10 s", e);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 250, "closed after " + ms + " ms");
        }
    }

    @Test
    void rateLimit_allowsOnePerInterval() {
        AtomicLong now = new AtomicLong(1_000);
        RateLimit limit = new RateLimit(300, now::get);
        assertTrue(limit.allow());
        assertEquals(false, limit.allow());
        now.addAndGet(300);
        assertEquals(false, limit.allow(), "the interval has not passed yet");
        now.addAndGet(1);
        assertTrue(limit.allow());
        assertEquals(false, limit.allow());
    }
}
