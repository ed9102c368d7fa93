package dev.keeper.compat.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keeper.compat.persist.ServerProcess;
import dev.keeper.compat.support.JsonShape;
import dev.keeper.compat.support.LoopbackPorts;
import dev.keeper.compat.support.Server;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AdminServer, ours against ZooKeeper 3.9.5's ({@code JettyAdminServer}, started because Jetty is on this
 * module's class path), each a process of its own from the same zoo.cfg, after the same client history: a
 * session with an ephemeral, two znodes and two watches. Every command is asked of both over HTTP; the answers
 * must have the same fields in the same order with the same JSON types, and where the history fixes a value
 * (node count, zxid, watches, ephemerals, errors, statuses) the same value.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminServerDiffTest {
    private static final String SUPER_PASSWORD = "super:admin-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * monitor keys ours has that ZooKeeper 3.9.5's does not: figures kept by older ZooKeeper versions' mntr that this
     * server has printed since before the AdminServer. (All of ZooKeeper's are in ours: compareMonitor.)
     */
    private static final Set<String> OUR_EXTRA_MONITOR_KEYS = Set.of("datadir_size", "logdir_size",
            "p50_request_latency", "p99_request_latency");

    @TempDir
    static Path dir;
    private final Map<Server, ServerProcess> servers = new EnumMap<>(Server.class);
    private final Map<Server, Integer> adminPorts = new EnumMap<>(Server.class);
    private final Map<Server, ZooKeeper> clients = new EnumMap<>(Server.class);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    void startBoth() throws Exception {
        String superDigest = DigestAuthenticationProvider.generateDigest(SUPER_PASSWORD);
        for (Server s : Server.values()) {
            int adminPort = LoopbackPorts.unused();
            Map<String, String> cfg = new LinkedHashMap<>();
            cfg.put("admin.enableServer", "true");
            cfg.put("admin.serverAddress", "127.0.0.1");
            cfg.put("admin.serverPort", Integer.toString(adminPort));
            cfg.put("4lw.commands.whitelist", "*");
            Path data = Files.createDirectories(dir.resolve(s + "-data"));
            ServerProcess p = ServerProcess.start(dir, data, cfg, s.toString(), s.mainClass(),
                    List.of("-Dzookeeper.DigestAuthenticationProvider.superDigest=" + superDigest));
            servers.put(s, p);
            adminPorts.put(s, adminPort);
            p.awaitServing();
            clients.put(s, historyOn(p.connectString()));
        }
    }

    /** The same client history on either server; the session stays open (its ephemeral and watches with it). */
    private static ZooKeeper historyOn(String connect) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        assertTrue(connected.await(30, TimeUnit.SECONDS), "no session with " + connect);
        zk.create("/app", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/app/a", "data".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT);
        zk.create("/app/eph", new byte[1], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        zk.getData("/app/a", e -> { }, null);
        zk.exists("/app", e -> { });
        return zk;
    }

    @AfterAll
    void stopBoth() throws Exception {
        for (ZooKeeper zk : clients.values()) {
            zk.close();
        }
        for (ServerProcess p : servers.values()) {
            p.close();
        }
    }

    private record Answer(int status, HttpResponse<byte[]> response) {
        String body() {
            return new String(response.body(), StandardCharsets.UTF_8);
        }

        JsonNode json() throws IOException {
            return JSON.readTree(response.body());
        }
    }

    private Answer ask(Server s, String method, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPorts.get(s) + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("")
                        : HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r);
    }

    private Answer get(Server s, String command) throws Exception {
        return ask(s, "GET", "/commands/" + command, null);
    }

    @Test
    void commandList_isZooKeepers() throws Exception {
        Answer ours = ask(Server.OURS, "GET", "/commands", null);
        Answer zk = ask(Server.ZOOKEEPER, "GET", "/commands", null);
        assertEquals(200, ours.status());
        assertEquals(zk.body(), ours.body());
        assertEquals(28, primaryNames(zk.body()).size(), "ZooKeeper 3.9.5 has 28 commands");
    }

    private static List<String> primaryNames(String links) {
        List<String> names = new ArrayList<>();
        for (String line : links.split("\n")) {
            int end = line.lastIndexOf("</a>");
            if (end > 0) {
                names.add(line.substring(line.indexOf('>') + 1, end));
            }
        }
        return names;
    }

    /**
     * Every GET command but snapshot, by its primary name and by each alias ZooKeeper has: the same status, and the
     * same fields in the same order with the same JSON types.
     */
    @Test
    void everyCommandAndAlias_sameFieldsAndTypes() throws Exception {
        List<String> names = new ArrayList<>(primaryNames(ask(Server.ZOOKEEPER, "GET", "/commands", null).body()));
        names.addAll(List.of("crst", "conf", "config", "cons", "env", "envi", "gtmk", "icfg", "isro", "lsnp",
                "lead", "mntr", "orst", "obsr", "srvr", "stmk", "stat", "srst", "sysp", "wchc", "wchp", "wchs"));
        List<String> failures = new ArrayList<>();
        for (String name : names) {
            if (name.equals("snapshot") || name.equals("snap") || name.equals("restore")) {
                continue; // authenticated: their own tests
            }
            Answer ours = get(Server.OURS, name);
            Answer zk = get(Server.ZOOKEEPER, name);
            if (ours.status() != zk.status()) {
                failures.add(name + ": status " + ours.status() + ", ZooKeeper " + zk.status());
                continue;
            }
            JsonNode o = ours.json();
            JsonNode z = zk.json();
            if (name.equals("monitor") || name.equals("mntr")) {
                compareMonitor(name, o, z, failures);
            } else if (name.equals("system_properties") || name.equals("sysp")) {
                // each process's own properties: all strings, in sorted order
                o.fields().forEachRemaining(e -> {
                    if (!e.getKey().equals("error") && !e.getValue().isTextual()) {
                        failures.add(name + ": " + e.getKey() + " is not a string");
                    }
                });
            } else {
                String os = JsonShape.shape(o);
                String zs = JsonShape.shape(z);
                if (!os.equals(zs)) {
                    failures.add(name + ":\n  ours " + os + "\n  zk   " + zs);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * monitor: ZooKeeper's full key set (its gauges, and every counter and summary of its ServerMetrics catalog) is in
     * ours, every key both have has one type, and the keys ours has that ZooKeeper's lacks are the known few.
     */
    private static void compareMonitor(String name, JsonNode ours, JsonNode zk, List<String> failures) {
        Set<String> missing = new TreeSet<>();
        zk.fieldNames().forEachRemaining(k -> {
            if (!ours.has(k)) {
                missing.add(k);
            }
        });
        if (!missing.isEmpty()) {
            failures.add(name + ": ZooKeeper's keys missing from ours: " + missing);
        }
        Set<String> extra = JsonShape.extraFields(ours, zk, m -> failures.add(name + ": " + m));
        if (!extra.equals(OUR_EXTRA_MONITOR_KEYS)) {
            failures.add(name + ": keys ZooKeeper lacks " + extra);
        }
    }

    /** The values the shared history fixes are equal. */
    @Test
    void valuesTheHistoryFixes_areEqual() throws Exception {
        for (String name : List.of("server_stats", "watch_summary", "watches_by_path", "is_read_only", "leader",
                "zabstate", "voting_view", "observers", "hash", "ruok", "get_trace_mask")) {
            JsonNode o = get(Server.OURS, name).json();
            JsonNode z = get(Server.ZOOKEEPER, name).json();
            if (name.equals("server_stats")) {
                for (String f : List.of("read_only", "node_count")) {
                    assertEquals(z.get(f), o.get(f), name + " " + f);
                }
                for (String f : List.of("last_processed_zxid", "server_state", "num_alive_client_connections",
                        "outstanding_requests", "provider_null")) {
                    assertEquals(z.get("server_stats").get(f), o.get("server_stats").get(f), name + " " + f);
                }
            } else if (name.equals("watches_by_path")) {
                assertEquals(fieldNames(z.get("path_to_session_ids")), fieldNames(o.get("path_to_session_ids")));
            } else {
                assertEquals(z, o, name);
            }
        }
        JsonNode o = get(Server.OURS, "dump").json().get("session_id_to_ephemeral_paths");
        JsonNode z = get(Server.ZOOKEEPER, "dump").json().get("session_id_to_ephemeral_paths");
        assertEquals(z.elements().next(), o.elements().next(), "the session's ephemerals");
        assertEquals(clients.get(Server.OURS).getSessionId(), Long.parseLong(o.fieldNames().next()));
        JsonNode conf = get(Server.OURS, "configuration").json();
        assertEquals(servers.get(Server.OURS).port(), conf.get("client_port").asInt());
        assertTrue(conf.get("data_dir").asText().endsWith("version-2"), conf.toString());
        String icfg = get(Server.OURS, "initial_configuration").json().get("initial_configuration").asText();
        assertEquals(Files.readString(dir.resolve(Server.OURS + ".cfg")), icfg);
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }

    @Test
    void unknownCommand_isAnErrorWithStatus200() throws Exception {
        for (String name : List.of("nosuch", "ruok/extra")) {
            Answer ours = get(Server.OURS, name);
            Answer zk = get(Server.ZOOKEEPER, name);
            assertEquals(200, ours.status());
            assertEquals(zk.status(), ours.status());
            assertEquals(zk.json(), ours.json());
            assertEquals("Unknown command: " + name, ours.json().get("error").asText());
        }
    }

    @Test
    void setTraceMask_isReadBack() throws Exception {
        for (Server s : Server.values()) {
            assertEquals("setTraceMask requires long traceMask argument",
                    get(s, "set_trace_mask").json().get("error").asText(), s.toString());
            assertEquals(42, get(s, "set_trace_mask?traceMask=42").json().get("tracemask").asLong());
            assertEquals(42, get(s, "get_trace_mask").json().get("tracemask").asLong());
            assertEquals("setTraceMask requires long traceMask argument, got x",
                    get(s, "stmk?traceMask=x").json().get("error").asText());
            get(s, "stmk?traceMask=306");
        }
    }

    @Test
    void resets_zeroTheFigures() throws Exception {
        for (Server s : Server.values()) {
            get(s, "connection_stat_reset");
            JsonNode con = get(s, "connections").json().get("connections").get(0);
            assertEquals(-1, con.get("last_cxid").asLong(), s + " " + con);
            assertEquals("NA", con.get("last_operation").asText(), s + " " + con);
            get(s, "stat_reset");
            JsonNode stats = get(s, "stats").json().get("server_stats");
            assertEquals(-1, stats.get("client_response_stats").get("max_buffer_size").asLong(), s + " " + stats);
            assertEquals(0, stats.get("max_latency").asLong(), s + " " + stats);
        }
    }

    /**
     * snapshot and restore need credentials: none is 401 "Auth info is missing for the command", one no scheme takes
     * is 401 "Not authenticated", and ids without ALL on "/" are 403 "Not authorized"; the super user, or anyone while
     * "/" is open, gets the snapshot, a file of ZooKeeper's format with its zxid and size in the headers.
     */
    @Test
    void snapshot_needsAllOnTheRoot() throws Exception {
        for (Server s : Server.values()) {
            for (String[] c : new String[][] {{"GET", "snapshot"}, {"POST", "restore"}}) {
                Answer none = ask(s, c[0], "/commands/" + c[1], null);
                assertEquals(401, none.status(), s + " " + c[1]);
                assertEquals(c[1], none.json().get("command").asText());
                assertEquals("Auth info is missing for the command", none.json().get("error").asText());
                for (String bad : new String[] {"Basic dXNlcjpwdw==", "digest", "digest a b"}) {
                    Answer refused = ask(s, c[0], "/commands/" + c[1], bad);
                    assertEquals(401, refused.status(), s + " " + c[1] + " " + bad);
                    assertEquals("Not authenticated", refused.json().get("error").asText());
                }
            }
        }
        // "/" is open to the world: any digest id may take a snapshot
        Thread.sleep(400); // ZooKeeper allows one snapshot per 300 ms, and another test may have just taken one
        for (Server s : Server.values()) {
            assertSnapshot(s, ask(s, "GET", "/commands/snapshot", "digest anyone:pw"));
        }
        Thread.sleep(400); // ZooKeeper allows one snapshot per 300 ms
        for (Server s : Server.values()) {
            ZooKeeper zk = clients.get(s);
            zk.addAuthInfo("digest", SUPER_PASSWORD.getBytes(StandardCharsets.UTF_8));
            zk.setACL("/", new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest",
                    DigestAuthenticationProvider.generateDigest("root:pw"))))), -1);
        }
        try {
            for (Server s : Server.values()) {
                Answer refused = ask(s, "GET", "/commands/snapshot", "digest anyone:pw");
                assertEquals(403, refused.status(), s.toString());
                assertEquals("Not authorized", refused.json().get("error").asText());
                Answer ip = ask(s, "GET", "/commands/snapshot", "ip");
                assertEquals(403, ip.status(), s + " " + ip.body());
                assertSnapshot(s, ask(s, "GET", "/commands/snapshot", "digest root:pw"));
            }
            Thread.sleep(400);
            for (Server s : Server.values()) {
                assertSnapshot(s, ask(s, "GET", "/commands/snap", "digest " + SUPER_PASSWORD));
            }
            Thread.sleep(400);
            for (Server s : Server.values()) {
                Answer headersOnly = ask(s, "GET", "/commands/snapshot?streaming=false", "digest root:pw");
                assertEquals(200, headersOnly.status(), s.toString());
                assertTrue(headersOnly.response().headers().firstValue("last_zxid").isPresent());
                assertEquals("snapshot", headersOnly.json().get("command").asText());
            }
        } finally {
            for (Server s : Server.values()) {
                clients.get(s).setACL("/", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1);
            }
        }
    }

    /**
     * restore: a snapshot taken by the snapshot command, POSTed back after more writes, brings the tree back to it on
     * both; the answer carries last_zxid, and the client's session, which the snapshot has, goes on. Once per server:
     * ZooKeeper allows one restore per five minutes, and so does ours (the second is 429 on both).
     */
    @Test
    void restore_bringsTheSnapshotBack() throws Exception {
        for (Server s : Server.values()) {
            ZooKeeper zk = clients.get(s);
            zk.create("/before", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            Thread.sleep(400);
            Answer snap = ask(s, "GET", "/commands/snapshot", "digest " + SUPER_PASSWORD);
            assertSnapshot(s, snap);
            zk.create("/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.delete("/before", -1);
            HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPorts.get(s)
                    + "/commands/restore")).header("Authorization", "digest " + SUPER_PASSWORD)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(snap.response().body())).build();
            HttpResponse<byte[]> r = http.send(post, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode answer = JSON.readTree(r.body());
            assertEquals(200, r.statusCode(), s + ": " + answer);
            assertEquals("restore", answer.get("command").asText());
            long snapZxid = Long.parseLong(snap.response().headers().firstValue("last_zxid").orElseThrow()
                    .substring(2), 16);
            assertTrue(answer.get("last_zxid").asLong() >= snapZxid, s + ": " + answer);
            CountDownLatch connected = new CountDownLatch(1);
            try (ZooKeeper after = new ZooKeeper(servers.get(s).connectString(), 30_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            })) {
                assertTrue(connected.await(30, TimeUnit.SECONDS));
                assertNotNull(after.exists("/before", false), s + ": /before is back");
                assertEquals(null, after.exists("/after", false), s + ": /after is gone");
            }
            HttpResponse<byte[]> again = http.send(post, HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(429, again.statusCode(), s.toString());
        }
    }

    /** A snapshot answer: 200, the zxid and size headers, and a body of ZooKeeper's snapshot format. */
    private void assertSnapshot(Server s, Answer a) throws IOException {
        assertEquals(200, a.status(), s + ": " + a.body());
        assertEquals("application/octet-stream", a.response().headers().firstValue("Content-Type").orElse(""));
        String zxid = a.response().headers().firstValue("last_zxid").orElse("");
        assertTrue(zxid.startsWith("0x") && Long.parseLong(zxid.substring(2), 16) >= 4, s + " last_zxid " + zxid);
        assertEquals(Long.toString(a.response().body().length),
                a.response().headers().firstValue("snapshot_size").orElse(""), s.toString());
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(a.response().body()));
        assertEquals(0x5a4b534e, in.readInt(), s + ": the snapshot's magic, ZKSN");
    }

    /**
     * What ZooKeeper's servlet does not take: TRACE is 403; a GET command POSTed is 500 on both (ZooKeeper's is a
     * Jetty error page for the null it gets back, ours says why in JSON); a request line or header block over 8 KiB
     * is 414 or 431; a request that is not HTTP is 400. The server serves on.
     */
    @Test
    void badRequests_getJettysStatuses() throws Exception {
        for (Server s : Server.values()) {
            assertEquals(403, ask(s, "TRACE", "/commands/ruok", null).status(), s.toString());
            assertEquals(500, ask(s, "POST", "/commands/ruok", null).status(), s.toString());
            String longName = "x".repeat(9000);
            assertEquals(414, get(s, longName).status(), s.toString());
            HttpRequest big = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPorts.get(s)
                    + "/commands/ruok")).header("X-Big", "y".repeat(9000)).build();
            assertEquals(431, http.send(big, HttpResponse.BodyHandlers.discarding()).statusCode(), s.toString());
            try (Socket raw = new Socket("127.0.0.1", adminPorts.get(s))) {
                raw.setSoTimeout(10_000);
                OutputStream out = raw.getOutputStream();
                out.write("GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = raw.getInputStream();
                String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 400", head, s.toString());
            }
            assertEquals(200, get(s, "ruok").status(), s + " serves on");
        }
    }

    /**
     * The admin port taken by another process: a standalone server does not start, exit code 4 and "Unable to start
     * AdminServer" ({@code ZooKeeperServerMain}); its client port never opens.
     */
    @Test
    void adminPortTaken_standaloneExitsWithCode4() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            for (Server s : Server.values()) {
                Map<String, String> cfg = Map.of("admin.enableServer", "true", "admin.serverAddress", "127.0.0.1",
                        "admin.serverPort", Integer.toString(taken.getLocalPort()));
                Path data = Files.createDirectories(dir.resolve(s + "-taken"));
                try (ServerProcess p = ServerProcess.start(dir, data, cfg, s + "-taken", s.mainClass(), List.of())) {
                    assertEquals(4, p.awaitExit(), s + ":\n" + p.log());
                    assertTrue(p.log().contains("Unable to start AdminServer"), s + ":\n" + p.log());
                    assertFalse(p.isAlive());
                }
            }
        }
    }
}
