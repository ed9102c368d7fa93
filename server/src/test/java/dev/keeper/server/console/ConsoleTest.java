package dev.keeper.server.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keeper.server.ZkServer;
import dev.keeper.server.config.AdminConfig;
import dev.keeper.server.config.ServerConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console's API and live feed, in process, with the stock ZooKeeper client on the client port and Java's
 * HTTP client on the admin port. The page itself is driven in a real browser in compat-tests (ConsoleBrowserTest).
 */
class ConsoleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ZkServer server;
    private final List<ZooKeeper> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        AdminConfig admin = new AdminConfig(true, "127.0.0.1", 0, "/commands", 30_000, false, false, false, null,
                true, true, 300_000);
        server = ZkServer.start(ServerConfig.builder().dataDir(dir).clientPortAddress("127.0.0.1").clientPort(0)
                .admin(admin).build());
    }

    @AfterEach
    void stop() throws Exception {
        for (ZooKeeper zk : clients) {
            zk.close();
        }
        server.close();
    }

    private ZooKeeper client() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.address().getPort(), 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        clients.add(zk);
        assertTrue(connected.await(10, TimeUnit.SECONDS));
        return zk;
    }

    private URI uri(String pathAndQuery) {
        InetSocketAddress a = server.adminAddress();
        return URI.create("http://127.0.0.1:" + a.getPort() + "/console/" + pathAndQuery);
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String authorization, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String pathAndQuery) throws Exception {
        HttpResponse<String> r = send("GET", pathAndQuery, null, null);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void page_isServedAsStaticFiles() throws Exception {
        HttpResponse<String> index = send("GET", "", null, null);
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("<script src=\"app.js\""), index.body());
        assertEquals("text/html; charset=utf-8", index.headers().firstValue("content-type").orElse(""));
        assertTrue(index.headers().firstValue("content-security-policy").orElse("").contains("default-src 'self'"));
        HttpResponse<String> js = send("GET", "app.js", null, null);
        assertEquals(200, js.statusCode());
        assertTrue(js.body().contains("EventSource"));
        assertEquals(404, send("GET", "nothing.js", null, null).statusCode());
        HttpResponse<String> bare = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.adminAddress().getPort() + "/console")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(301, bare.statusCode());
        assertEquals("/console/", bare.headers().firstValue("location").orElse(""));
    }

    @Test
    void node_showsDataStatAclAndPagesItsChildrenInOrder() throws Exception {
        ZooKeeper zk = client();
        zk.create("/big", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT);
        for (int i = 0; i < 250; i++) {
            zk.create(String.format("/big/c%03d", i), new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        zk.setData("/big", "{\"a\":2}".getBytes(StandardCharsets.UTF_8), -1);
        Stat stat = zk.exists("/big", false);
        JsonNode n = get("api/node?path=/big&offset=200&limit=100");
        assertEquals("{\"a\":2}", new String(Base64.getDecoder().decode(n.get("data").asText()), StandardCharsets.UTF_8));
        assertEquals(stat.getVersion(), n.get("stat").get("version").asInt());
        assertEquals(stat.getCversion(), n.get("stat").get("cversion").asInt());
        assertEquals("0x" + Long.toHexString(stat.getPzxid()), n.get("stat").get("pzxid").asText());
        assertEquals(250, n.get("stat").get("numChildren").asInt());
        assertEquals(250, n.get("childrenTotal").asInt());
        assertEquals(50, n.get("children").size());
        assertEquals("c200", n.get("children").get(0).get("name").asText());
        assertEquals("/big/c249", n.get("children").get(49).get("path").asText());
        assertEquals("cdrwa", n.get("acl").get(0).get("perms").asText());
        assertEquals("world", n.get("acl").get(0).get("scheme").asText());
        assertEquals(404, send("GET", "api/node?path=/none", null, null).statusCode());
        assertEquals(404, send("GET", "api/node?path=/big/", null, null).statusCode());
    }

    @Test
    void nodeWithoutReadForTheCaller_hidesDataChildrenAndAcl() throws Exception {
        ZooKeeper zk = client();
        zk.addAuthInfo("digest", "bob:pw".getBytes(StandardCharsets.UTF_8));
        // a mutable list: the client's validateACL asks it whether it contains null
        List<ACL> bobOnly = new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL,
                new Id("digest", DigestAuthenticationProvider.generateDigest("bob:pw")))));
        zk.create("/secret", "hush".getBytes(StandardCharsets.UTF_8), bobOnly, CreateMode.PERSISTENT);
        zk.create("/secret/kid", new byte[0], bobOnly, CreateMode.PERSISTENT);
        JsonNode anonymous = get("api/node?path=/secret");
        assertTrue(anonymous.get("data").isNull());
        assertTrue(anonymous.get("acl").isNull());
        assertEquals(0, anonymous.get("children").size());
        assertEquals(1, anonymous.get("stat").get("numChildren").asInt(), "the Stat is anyone's, as exists is");
        HttpResponse<String> asBob = send("GET", "api/node?path=/secret", "digest bob:pw", null);
        JsonNode bob = JSON.readTree(asBob.body());
        assertEquals("hush", new String(Base64.getDecoder().decode(bob.get("data").asText()), StandardCharsets.UTF_8));
        assertEquals("kid", bob.get("children").get(0).get("name").asText());
        assertEquals(401, send("GET", "api/node?path=/secret", "nonsense scheme", null).statusCode());
    }

    @Test
    void writes_needADigestCallerWithAdmin_andAreOrdinaryWrites() throws Exception {
        ZooKeeper zk = client();
        zk.addAuthInfo("digest", "bob:pw".getBytes(StandardCharsets.UTF_8));
        String bobId = DigestAuthenticationProvider.generateDigest("bob:pw");
        List<ACL> acl = new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", bobId)),
                new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.WRITE, ZooDefs.Ids.ANYONE_ID_UNSAFE)));
        zk.create("/cfg", "v1".getBytes(StandardCharsets.UTF_8), acl, CreateMode.PERSISTENT);
        CountDownLatch changed = new CountDownLatch(1);
        zk.getData("/cfg", e -> {
            if (e.getType() == Watcher.Event.EventType.NodeDataChanged) {
                changed.countDown();
            }
        }, null);

        HttpResponse<String> none = send("PUT", "api/node?path=/cfg", null, "v2");
        assertEquals(401, none.statusCode());
        assertEquals("Auth info is missing for the command", JSON.readTree(none.body()).get("error").asText());
        assertEquals(401, send("PUT", "api/node?path=/cfg", "ip", "v2").statusCode(), "digest credentials only");
        HttpResponse<String> alice = send("PUT", "api/node?path=/cfg", "digest alice:pw", "v2");
        assertEquals(403, alice.statusCode(), "world may write /cfg, but only bob may ADMIN it");
        assertEquals("Not authorized", JSON.readTree(alice.body()).get("error").asText());
        assertEquals("v1", new String(zk.getData("/cfg", false, null), StandardCharsets.UTF_8));
        assertEquals(1, changed.getCount(), "nothing was written, nothing fired");

        HttpResponse<String> bob = send("PUT", "api/node?path=/cfg&version=0", "digest bob:pw", "v2");
        assertEquals(200, bob.statusCode(), bob.body());
        assertEquals(1, JSON.readTree(bob.body()).get("stat").get("version").asInt());
        assertEquals("v2", new String(zk.getData("/cfg", false, null), StandardCharsets.UTF_8));
        assertTrue(changed.await(10, TimeUnit.SECONDS), "the client's watch fired, as for any write");
        HttpResponse<String> stale = send("PUT", "api/node?path=/cfg&version=0", "digest bob:pw", "v3");
        assertEquals(409, stale.statusCode());
        assertEquals("BadVersion", JSON.readTree(stale.body()).get("error").asText());

        assertEquals(200, send("POST", "api/node?path=/cfg/new", "digest bob:pw", "x").statusCode());
        assertEquals(acl, zk.getACL("/cfg/new", null), "a created node takes its parent's ACL");
        assertEquals(409, send("DELETE", "api/node?path=/cfg", "digest bob:pw", null).statusCode(), "NotEmpty");
        assertEquals(200, send("DELETE", "api/node?path=/cfg/new", "digest bob:pw", null).statusCode());
        assertEquals(null, zk.exists("/cfg/new", false));
        assertEquals(404, send("POST", "api/node?path=/none/x", "digest bob:pw", "x").statusCode());
    }

    @Test
    void writeBodyOverTheLargestNode_isRefused() throws Exception {
        HttpResponse<String> r = send("PUT", "api/node?path=/", "digest bob:pw", "x".repeat(Console.MAX_BODY + 1));
        assertEquals(413, r.statusCode());
        assertEquals(200, send("GET", "api/overview", null, null).statusCode(), "the port serves on");
    }

    /** The feed carries each event once it has gone to the clients, with the sessions it went to. */
    @Test
    void liveFeed_carriesEachFiredEvent() throws Exception {
        ZooKeeper watcher = client();
        ZooKeeper writer = client();
        writer.create("/feed", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        HttpResponse<Stream<String>> feed = http.send(HttpRequest.newBuilder(uri("api/events")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, feed.statusCode());
        assertTrue(feed.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        Iterator<String> lines = feed.body().iterator();
        assertEquals(": keeper console feed", lines.next());
        awaitSubscribers(1);
        CountDownLatch fired = new CountDownLatch(1);
        watcher.getData("/feed", e -> fired.countDown(), null);
        writer.setData("/feed", "x".getBytes(StandardCharsets.UTF_8), -1);
        assertTrue(fired.await(10, TimeUnit.SECONDS));
        JsonNode event = nextEvent(lines, "watch");
        assertEquals("NodeDataChanged", event.get("type").asText());
        assertEquals("/feed", event.get("path").asText());
        assertEquals("0x" + Long.toHexString(watcher.getSessionId()), event.get("sessions").get(0).asText());
        assertEquals("0x" + Long.toHexString(writer.exists("/feed", false).getMzxid()), event.get("zxid").asText());
        feed.body().close();
        awaitSubscribers(0);
    }

    /**
     * A page that holds the feed open and never reads costs only itself: its events are dropped once its buffers
     * are full, a page that reads gets every event, the server answers on, and when it goes it is forgotten.
     */
    @Test
    void feedSubscriberThatNeverReads_costsOnlyItself() throws Exception {
        ZooKeeper watcher = client();
        ZooKeeper writer = client();
        String path = "/" + "p".repeat(1500); // 4000 events of 1.6 KB: more than any socket buffers hold
        writer.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        watcher.addWatch("/", e -> { }, AddWatchMode.PERSISTENT_RECURSIVE);
        try (Socket stuck = new Socket()) {
            stuck.setReceiveBufferSize(4096);
            stuck.connect(server.adminAddress());
            OutputStream out = stuck.getOutputStream();
            out.write("GET /console/api/events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            HttpResponse<Stream<String>> feed = http.send(HttpRequest.newBuilder(uri("api/events")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
            Thread reader = new Thread(() -> feed.body().forEach(line -> {
                if (line.startsWith("data: ") && line.contains("\"path\":\"" + path + "\"")) {
                    seen.incrementAndGet();
                }
            }), "feed-reader");
            reader.setDaemon(true);
            reader.start();
            awaitSubscribers(2);
            // 40 rounds of 100 pipelined writes: a burst at a time that a page that reads keeps up with, while the
            // stuck page's 6 MB of events overflow its buffers
            int n = 4000;
            for (int round = 0; round < n / 100; round++) {
                CountDownLatch written = new CountDownLatch(100);
                for (int i = 0; i < 100; i++) {
                    writer.setData(path, new byte[] {(byte) i}, -1, (rc, p, ctx, st) -> written.countDown(), null);
                }
                assertTrue(written.await(30, TimeUnit.SECONDS));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (seen.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(n, seen.get(), "the page that reads gets every event");
            assertTrue(get("api/overview").get("feedDropped").asLong() > 0, "the stuck page's events were dropped");
            InputStream in = stuck.getInputStream();
            assertTrue(in.read() >= 0, "the stuck page was sent what fit");
            feed.body().close();
        }
        awaitSubscribers(0);
    }

    @Test
    void watches_areCountedByPathAndSession_withTheHeapTheyCost() throws Exception {
        ZooKeeper a = client();
        ZooKeeper b = client();
        a.create("/w", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 0; i < 30; i++) {
            a.create("/w/n" + i, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            a.getData("/w/n" + i, true, null);
        }
        a.getData("/w", true, null);
        b.getData("/w", true, null);
        b.getChildren("/w", true);
        b.addWatch("/w/n1", AddWatchMode.PERSISTENT);
        b.addWatch("/w", AddWatchMode.PERSISTENT_RECURSIVE);
        JsonNode w = get("api/watches?limit=100");
        // data side: a 31, b /w (data, recursive) and /w/n1 (persistent); child side: b /w, /w/n1 (persistent)
        assertEquals(35, w.get("watches").asLong());
        assertEquals(31, w.get("paths").asLong());
        assertEquals(2, w.get("sessions").asLong());
        JsonNode top = w.get("topPaths").get(0);
        assertEquals("/w", top.get("path").asText());
        assertEquals(3, top.get("watches").asLong());
        assertEquals("0x" + Long.toHexString(a.getSessionId()), w.get("topSessions").get(0).get("session").asText());
        assertEquals(31, w.get("topSessions").get(0).get("watches").asLong());
        long total = w.get("heapBytes").asLong();
        long byPath = 0;
        for (JsonNode p : w.get("topPaths")) {
            byPath += p.get("heapBytes").asLong();
        }
        long bySession = 0;
        for (JsonNode s : w.get("topSessions")) {
            bySession += s.get("heapBytes").asLong();
        }
        // each side's figures share the whole out: they add up to the total, but for rounding down
        assertTrue(Math.abs(total - byPath) <= 31 && Math.abs(total - bySession) <= 4,
                total + " " + byPath + " " + bySession);

        JsonNode onW = get("api/watches/path?path=/w");
        assertEquals(2, onW.get("watchers").size());
        for (JsonNode x : onW.get("watchers")) {
            String kinds = x.get("kinds").toString();
            if (x.get("session").asText().equals("0x" + Long.toHexString(b.getSessionId()))) {
                assertEquals("[\"data\",\"child\",\"recursive\"]", kinds);
            } else {
                assertEquals("[\"data\"]", kinds);
            }
        }
        JsonNode ofB = get("api/watches/session?id=0x" + Long.toHexString(b.getSessionId()));
        assertEquals(2, ofB.get("total").asInt());
        assertEquals("/w/n1", ofB.get("paths").get(1).get("path").asText());
        assertEquals("[\"persistent\"]", ofB.get("paths").get(1).get("kinds").toString());

        JsonNode sessions = get("api/sessions");
        assertEquals(2, sessions.get("total").asInt());
        for (JsonNode s : sessions.get("sessions")) {
            assertNotNull(s.get("address").asText());
            assertEquals(s.get("id").asText().equals("0x" + Long.toHexString(a.getSessionId())) ? 31 : 4,
                    s.get("watches").asLong());
        }
        JsonNode overview = get("api/overview");
        assertEquals(35, overview.get("watches").asLong());
        assertEquals(total, overview.get("watchHeapBytes").asLong());
    }

    @Test
    void figures_sampleTheRequestRateEverySecond() throws Exception {
        ZooKeeper zk = client();
        for (int i = 0; i < 200; i++) {
            zk.exists("/", false);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long requests = 0;
        while (requests < 200 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            requests = 0;
            for (JsonNode s : get("api/figures").get("samples")) {
                requests += s.get("requests").asLong();
            }
        }
        assertTrue(requests >= 200, "samples count the requests made: " + requests);
        assertFalse(get("api/figures").get("samples").isEmpty());
    }

    private void awaitSubscribers(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int now = -1;
        while (System.nanoTime() < deadline) {
            now = get("api/overview").get("feedSubscribers").asInt();
            if (now == n) {
                return;
            }
            Thread.sleep(50);
        }
        assertEquals(n, now, "feed subscribers");
    }

    /** The next event of {@code type} on the feed: its data line, parsed. */
    private static JsonNode nextEvent(Iterator<String> lines, String type) throws Exception {
        String event = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ") && type.equals(event)) {
                return JSON.readTree(line.substring(6));
            }
        }
        throw new AssertionError("the feed ended");
    }
}
