package dev.keeper.compat.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.ops.Subprocess;
import dev.keeper.compat.persist.ServerProcess;
import dev.keeper.compat.support.RawClient;
import dev.keeper.compat.support.Server;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import org.apache.jute.BinaryInputArchive;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetSASLRequest;
import org.apache.zookeeper.proto.SetSASLResponse;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SASL (DIGEST-MD5) on the client port, on ours and on the real ZooKeeper 3.9.5, each a standalone server in a
 * process of its own started from the same zoo.cfg with the same JVM flags: the JAAS file
 * ({@code -Djava.security.auth.login.config}, section "Server" with ZooKeeper's DigestLoginModule and the users
 * {@code super}/{@code adminsecret} and {@code bob}/{@code bobsecret}), {@code authProvider.1=...SASLAuthenticationProvider}
 * (the "sasl" ACL scheme) and {@code -Dzookeeper.superUser=super}; some scenarios start servers of their own, with
 * {@code sessionRequireClientSASLAuth}, {@code enforce.auth.*}, or without the provider. Every scenario runs
 * against both servers and expects what ZooKeeper does.
 *
 * <p>The SASL clients are the stock ZooKeeper Java client in a child JVM ({@link SaslScript}), with a JAAS file of
 * their own ("Client" section): JAAS is JVM-wide, and a "Client" section makes every ZooKeeper client in a JVM try
 * SASL, so this JVM never sets it. The child also runs with {@code -Dzookeeper.fips-mode=false}: ZooKeeper
 * 3.9.5's Java client defaults to FIPS mode, in which it will not use DIGEST-MD5 at all
 * ({@code SecurityUtils.createSaslClient} returns null: an event with no state, then AUTH_FAILED, and nothing sent
 * to the server). Clients without SASL run here, with {@code zookeeper.sasl.client=false} in their own
 * ZKClientConfig. What the server puts on the wire (reply codes, zxid 0, the SASL token, the close) is read with a
 * hand-made DIGEST-MD5 exchange ({@link javax.security.sasl.Sasl}, no JAAS) over {@link RawClient}.
 */
class SaslDigestDiffTest {
    static final String SASL_PROVIDER = "org.apache.zookeeper.server.auth.SASLAuthenticationProvider";
    private static final int SESSION_MS = 30_000;
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration RAW_WAIT = Duration.ofSeconds(10);
    /** SASL requests' xids, as the Java client numbers them after the handshake. */
    private static final int FIRST_SASL_XID = 1;
    private static final byte[] DATA = "data".getBytes(StandardCharsets.UTF_8);
    private static final String ALL = Integer.toString(ZooDefs.Perms.ALL);

    private static Path dir;
    private static Path serverJaas;
    private static final Map<String, Path> CLIENT_JAAS = new LinkedHashMap<>();
    /** Servers with SASL, the SASL provider and {@code -Dzookeeper.superUser=super}. */
    private static final Map<Server, ServerProcess> SASL = new EnumMap<>(Server.class);

    @BeforeAll
    static void startBoth() throws Exception {
        dir = Subprocess.REPO.resolve("compat-tests/target/sasl/" + SaslDigestDiffTest.class.getSimpleName());
        deleteTree(dir);
        Files.createDirectories(dir);
        serverJaas = writeServerJaas(dir);
        for (String[] user : new String[][] {{"bob", "bobsecret"}, {"bob", "wrong"}, {"mallory", "bobsecret"},
                {"super", "adminsecret"}}) {
            CLIENT_JAAS.put(user[0] + ":" + user[1], writeClientJaas(dir, user[0], user[1]));
        }
        try {
            for (Server s : Server.values()) {
                SASL.put(s, start(s, "sasl-" + s, Map.of("authProvider.1", SASL_PROVIDER),
                        List.of("-Dzookeeper.superUser=super")));
            }
            for (ServerProcess p : SASL.values()) {
                p.awaitServing();
            }
        } catch (Exception | AssertionError e) {
            stopAll();
            throw e;
        }
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        for (ServerProcess p : SASL.values()) {
            p.close();
        }
        SASL.clear();
    }

    /** The JAAS file both servers read: ZooKeeper's DigestLoginModule with the users super and bob. */
    static Path writeServerJaas(Path dir) throws IOException {
        return write(dir.resolve("server.jaas"), """
                Server {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  user_super="adminsecret"
                  user_bob="bobsecret";
                };
                """);
    }

    /** A client's JAAS file: section "Client", ZooKeeper's DigestLoginModule with this user and password. */
    static Path writeClientJaas(Path dir, String user, String password) throws IOException {
        return write(dir.resolve("client-" + user + "-" + password + ".jaas"), """
                Client {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  username="%s"
                  password="%s";
                };
                """.formatted(user, password));
    }

    private static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        return file;
    }

    /**
     * A standalone server from {@code settings} (dataDir, clientPort and clientPortAddress=127.0.0.1 added) with
     * the server JAAS file and {@code jvmOptions}.
     */
    private static ServerProcess start(Server server, String name, Map<String, String> settings,
            List<String> jvmOptions) throws IOException {
        return start(server, name, settings, jvmOptions, true);
    }

    private static ServerProcess start(Server server, String name, Map<String, String> settings,
            List<String> jvmOptions, boolean jaas) throws IOException {
        return start(dir, jaas ? serverJaas : null, server, name, settings, jvmOptions);
    }

    /**
     * A standalone server in {@code dir} from {@code settings} (tickTime 2000, dataDir, clientPort and
     * clientPortAddress=127.0.0.1 added), with the JAAS file {@code serverJaas} (none if null) and {@code jvmOptions}.
     */
    static ServerProcess start(Path dir, Path serverJaas, Server server, String name, Map<String, String> settings,
            List<String> jvmOptions) throws IOException {
        Path data = dir.resolve(name + "-data");
        Files.createDirectories(data);
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("tickTime", "2000");
        cfg.put("4lw.commands.whitelist", "*");
        cfg.put("admin.enableServer", "false");
        cfg.putAll(settings);
        List<String> options = new ArrayList<>();
        if (serverJaas != null) {
            options.add("-Djava.security.auth.login.config=" + serverJaas);
        }
        options.addAll(jvmOptions);
        return ServerProcess.start(dir, data, cfg, name, server.mainClass(), options);
    }

    private static ServerProcess startServing(Server server, String name, Map<String, String> settings,
            List<String> jvmOptions) throws Exception {
        return startServing(server, name, settings, jvmOptions, true);
    }

    private static ServerProcess startServing(Server server, String name, Map<String, String> settings,
            List<String> jvmOptions, boolean jaas) throws Exception {
        return startServing(dir, jaas ? serverJaas : null, server, name, settings, jvmOptions);
    }

    /** {@link #start(Path, Path, Server, String, Map, List)}, returning once the server serves (stopped if not). */
    static ServerProcess startServing(Path dir, Path serverJaas, Server server, String name,
            Map<String, String> settings, List<String> jvmOptions) throws Exception {
        ServerProcess p = start(dir, serverJaas, server, name, settings, jvmOptions);
        try {
            p.awaitServing();
            return p;
        } catch (Exception | AssertionError e) {
            p.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------- scenarios

    /**
     * 1. bob authenticates with DIGEST-MD5: SyncConnected, then SaslAuthenticated; whoAmI lists ip and sasl:bob;
     * a node with ACL sasl:bob:cdrwa is bob's to read; an "auth" ACL expands to sasl:bob alone (the ip id is not an
     * authenticated one). A client without SASL, and one with digest bob:bobsecret, get NoAuth on that node.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void bobAuthenticates_andOnlyBobReadsSaslBobNodes(Server server) throws Exception {
        ServerProcess proc = SASL.get(server);
        Transcript t = script(proc, "bob:bobsecret", "connect", "await SaslAuthenticated 20000", "whoami",
                "create /bob sasl:bob:" + ALL, "get /bob", "getacl /bob", "create /bob-auth auth::" + ALL,
                "getacl /bob-auth", "state", "close");
        System.out.printf("[%s] 1: %s%n", server, t);
        assertEquals(List.of(
                "connect => OK",
                "await SaslAuthenticated 20000 => OK",
                "whoami => OK ip:127.0.0.1,sasl:bob",
                "create /bob sasl:bob:31 => OK /bob",
                "get /bob => OK data",
                "getacl /bob => OK sasl:bob:31",
                "create /bob-auth auth::31 => OK /bob-auth",
                "getacl /bob-auth => OK sasl:bob:31",
                "state => OK CONNECTED",
                "close => OK"), t.results(), t.raw());
        assertEquals(List.of("SyncConnected", "SaslAuthenticated", "Closed"), t.states(), t.raw());

        try (ZooKeeper anonymous = connect(proc); ZooKeeper digest = connect(proc, "bob:bobsecret")) {
            assertEquals(List.of("ip:127.0.0.1"), whoAmI(anonymous));
            assertEquals(List.of("digest:bob", "ip:127.0.0.1"), whoAmI(digest));
            for (ZooKeeper zk : List.of(anonymous, digest)) {
                // ZooKeeper 3.9 checks READ for exists too
                assertEquals(KeeperException.Code.NOAUTH, assertThrows(KeeperException.class,
                        () -> zk.exists("/bob", false)).code());
                assertEquals(KeeperException.Code.NOAUTH, assertThrows(KeeperException.class,
                        () -> zk.getData("/bob", false, null)).code());
                assertEquals(KeeperException.Code.NOAUTH, assertThrows(KeeperException.class,
                        () -> zk.getData("/bob-auth", false, null)).code());
                assertEquals(KeeperException.Code.NOAUTH, assertThrows(KeeperException.class,
                        () -> zk.getACL("/bob", new Stat())).code());
                assertEquals(KeeperException.Code.NOAUTH, assertThrows(KeeperException.class,
                        () -> zk.setData("/bob", DATA, -1)).code());
            }
        }
    }

    /**
     * 2. A wrong password: the server answers the client's DIGEST-MD5 response with AuthFailed (-115), zxid 0 and
     * a null token, and closes the connection. The Java client, connected (SyncConnected) a moment before, gets
     * AuthFailed at once and gives up: state AUTH_FAILED, no reconnection, every request AuthFailed (-115)
     * without going to the server, no further event (not even Closed on close).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void wrongPassword_authFailed_connectionClosed_clientGivesUp(Server server) throws Exception {
        ServerProcess proc = SASL.get(server);
        assertSaslRefused(server, proc, "bob:wrong");
        assertEquals(List.of(FIRST_SASL_XID + " zxid=0 err=0 token", (FIRST_SASL_XID + 1) + " zxid=0 err=-115 null",
                "closed"), rawSasl(proc, "bob", "wrong"));
    }

    /** 3. A user not in the JAAS file: the same as a wrong password. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void userNotInJaasFile_authFailedAsAWrongPassword(Server server) throws Exception {
        ServerProcess proc = SASL.get(server);
        assertSaslRefused(server, proc, "mallory:bobsecret");
        assertEquals(List.of(FIRST_SASL_XID + " zxid=0 err=0 token", (FIRST_SASL_XID + 1) + " zxid=0 err=-115 null",
                "closed"), rawSasl(proc, "mallory", "bobsecret"));
    }

    /**
     * 4. {@code -Dzookeeper.superUser=super}: the SASL user super is also the id super:"" (whoAmI lists it) and
     * reads a node whose ACL names neither it nor the sasl scheme (digest:alice, an ip); bob gets NoAuth there. An
     * "auth" ACL made by super is sasl:super alone (the super id has no provider).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void superUser_readsANodeWhoseAclExcludesIt(Server server) throws Exception {
        ServerProcess proc = SASL.get(server);
        String alice = DigestAuthenticationProvider.generateDigest("alice:alicesecret");
        try (ZooKeeper anonymous = connect(proc)) {
            anonymous.create("/alice", DATA, SaslScript.acl("digest:" + alice + ":" + ALL + ",ip:10.1.2.3:" + ALL),
                    CreateMode.PERSISTENT);
        }
        Transcript su = script(proc, "super:adminsecret", "connect", "await SaslAuthenticated 20000", "whoami",
                "get /alice", "getacl /alice", "create /super-auth auth::" + ALL, "getacl /super-auth", "close");
        System.out.printf("[%s] 4: super %s%n", server, su);
        assertEquals(List.of(
                "connect => OK",
                "await SaslAuthenticated 20000 => OK",
                "whoami => OK ip:127.0.0.1,sasl:super,super:",
                "get /alice => OK data",
                "getacl /alice => OK digest:" + alice + ":31,ip:10.1.2.3:31",
                "create /super-auth auth::31 => OK /super-auth",
                "getacl /super-auth => OK sasl:super:31",
                "close => OK"), su.results(), su.raw());
        Transcript bob = script(proc, "bob:bobsecret", "connect", "await SaslAuthenticated 20000", "get /alice",
                "get /super-auth", "close");
        System.out.printf("[%s] 4: bob %s%n", server, bob);
        assertEquals(List.of(
                "connect => OK",
                "await SaslAuthenticated 20000 => OK",
                "get /alice => ERR NOAUTH -102",
                "get /super-auth => ERR NOAUTH -102",
                "close => OK"), bob.results(), bob.raw());
    }

    /**
     * 5. Without {@code authProvider.1=...SASLAuthenticationProvider} there is no "sasl" ACL scheme: SASL itself
     * still works (the connection holds sasl:bob; whoAmI lists it as "sasl" with an empty user, there being no
     * provider to name it), but a create with a sasl ACL is InvalidACL (-114), and so is one with an "auth" ACL
     * (sasl:bob has no provider to be authenticated by, ip is not an authenticated id).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void withoutTheSaslProvider_saslAclsAreInvalid(Server server) throws Exception {
        try (ServerProcess proc = startServing(server, "noprovider-" + server, Map.of(), List.of())) {
            Transcript t = script(proc, "bob:bobsecret", "connect", "await SaslAuthenticated 20000", "whoami",
                    "create /x sasl:bob:" + ALL, "create /y auth::" + ALL, "exists /x", "exists /y",
                    "create /z world:anyone:" + ALL, "get /z", "close");
            System.out.printf("[%s] 5: %s%n", server, t);
            assertEquals(List.of(
                    "connect => OK",
                    "await SaslAuthenticated 20000 => OK",
                    "whoami => OK ip:127.0.0.1,sasl:",
                    "create /x sasl:bob:31 => ERR INVALIDACL -114",
                    "create /y auth::31 => ERR INVALIDACL -114",
                    "exists /x => OK false",
                    "exists /y => OK false",
                    "create /z world:anyone:31 => OK /z",
                    "get /z => OK data",
                    "close => OK"), t.results(), t.raw());
            // a client without SASL: the same InvalidACL for a sasl id
            try (ZooKeeper anonymous = connect(proc)) {
                assertEquals(KeeperException.Code.INVALIDACL, assertThrows(KeeperException.class,
                        () -> anonymous.create("/w", DATA, SaslScript.acl("sasl:bob:" + ALL),
                                CreateMode.PERSISTENT)).code());
            }
        }
    }

    /**
     * 6. {@code sessionRequireClientSASLAuth=true} (zoo.cfg): a client without SASL gets its session, but its
     * first request is answered SessionClosedRequireAuth (-124, zxid 0, no body) and the connection closed; a
     * SASL client works; a failed SASL exchange is answered -124 rather than AuthFailed.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void sessionRequireClientSaslAuth_refusesClientsWithoutSasl(Server server) throws Exception {
        try (ServerProcess proc = startServing(server, "require-" + server,
                Map.of("authProvider.1", SASL_PROVIDER, "sessionRequireClientSASLAuth", "true"), List.of())) {
            assertSaslRequired(server, proc, "6");
            // without zookeeper.superUser, the SASL user "super" is not super; the sasl provider still lets
            // a sasl id "super" match any sasl ACL (SASLAuthenticationProvider.matches)
            Transcript su = script(proc, "super:adminsecret", "connect", "await SaslAuthenticated 20000",
                    "whoami", "create /su-open world:anyone:" + ALL, "create /su-ip ip:10.1.2.3:" + ALL,
                    "get /su-ip", "get /bob-node", "close");
            System.out.printf("[%s] 6: super without zookeeper.superUser %s%n", server, su);
            assertEquals(List.of(
                    "connect => OK",
                    "await SaslAuthenticated 20000 => OK",
                    "whoami => OK ip:127.0.0.1,sasl:super",
                    "create /su-open world:anyone:31 => OK /su-open",
                    "create /su-ip ip:10.1.2.3:31 => OK /su-ip",
                    "get /su-ip => ERR NOAUTH -102",
                    "get /bob-node => OK data",
                    "close => OK"), su.results(), su.raw());
        }
    }

    /** 7. {@code enforce.auth.enabled=true} with {@code enforce.auth.schemes=sasl}: as scenario 6. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void enforceAuthSasl_refusesClientsWithoutSasl(Server server) throws Exception {
        try (ServerProcess proc = startServing(server, "enforce-sasl-" + server, Map.of("authProvider.1",
                SASL_PROVIDER, "enforce.auth.enabled", "true", "enforce.auth.schemes", "sasl"), List.of())) {
            assertSaslRequired(server, proc, "7");
        }
    }

    /**
     * 8. {@code enforce.auth.enabled=true} with {@code enforce.auth.schemes=digest}: a client that adds digest
     * auth before its first request works; one without gets -124 and its connection closed; a SASL client (sasl,
     * not digest) too, once SASL has succeeded; a wrong SASL password is AuthFailed (-115), SASL not being
     * required.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void enforceAuthDigest_admitsDigestClients(Server server) throws Exception {
        try (ServerProcess proc = startServing(server, "enforce-digest-" + server, Map.of("authProvider.1",
                SASL_PROVIDER, "enforce.auth.enabled", "true", "enforce.auth.schemes", "digest"), List.of())) {
            try (ZooKeeper digest = connect(proc, "bob:bobsecret")) {
                assertEquals("/d", digest.create("/d", DATA, Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
                assertArrayEquals(DATA, digest.getData("/d", false, null));
                assertEquals(List.of("digest:bob", "ip:127.0.0.1"), whoAmI(digest));
                assertEquals("digest", digest.getACL("/d", new Stat()).get(0).getId().getScheme());
            }
            assertEquals(List.of("handshake", "1 zxid=0 err=-124 empty", "closed"), rawExists(proc, null));
            assertEquals(List.of("handshake", "auth zxid=0 err=0 empty", "1 err=0", "alive"),
                    rawExists(proc, "bob:bobsecret"));
            // the SASL client is refused, disconnected, reconnects (its session lives on), authenticates again,
            // and is refused again
            Transcript sasl = script(proc, "bob:bobsecret", "connect", "await SaslAuthenticated 20000",
                    "exists /d", "await Disconnected 10000", "await SaslAuthenticated 10000 2", "exists /d",
                    "close");
            System.out.printf("[%s] 8: sasl client %s%n", server, sasl);
            assertEquals(List.of(
                    "connect => OK",
                    "await SaslAuthenticated 20000 => OK",
                    "exists /d => ERR SESSIONCLOSEDREQUIRESASLAUTH -124",
                    "await Disconnected 10000 => OK",
                    "await SaslAuthenticated 10000 2 => OK",
                    "exists /d => ERR SESSIONCLOSEDREQUIRESASLAUTH -124",
                    "close => OK"), sasl.results(), sasl.raw());
            assertEquals(List.of("SyncConnected", "SaslAuthenticated", "Disconnected", "SyncConnected",
                    "SaslAuthenticated"), sasl.states().subList(0, 5), sasl.raw());
            assertEquals(List.of(FIRST_SASL_XID + " zxid=0 err=0 token",
                    (FIRST_SASL_XID + 1) + " zxid=0 err=-115 null", "closed"), rawSasl(proc, "bob", "wrong"));
        }
    }

    /**
     * 9. A server without SASL (no JAAS file): it answers a SASL request OK, zxid 0, with a null token (ZooKeeper's
     * connection has no SaslServer), as often as it is asked, and keeps the connection. The Java client set up
     * for SASL takes the null token as a failure: SyncConnected, AuthFailed at once, AUTH_FAILED for good.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void saslClient_againstAServerWithoutSasl(Server server) throws Exception {
        try (ServerProcess proc = startServing(server, "nosasl-" + server, Map.of(), List.of(), false)) {
            assertEquals(List.of("1 zxid=0 err=0 null", "2 zxid=0 err=0 null", "3 zxid=0 err=0 null", "alive"),
                    rawEmptySaslRounds(proc, 3));
            Transcript t = script(proc, "bob:bobsecret", "connect", "await AuthFailed 20000", "state",
                    "exists /", "sleep 2000", "state", "close");
            System.out.printf("[%s] 9: %s; AuthFailed %d ms after SyncConnected%n", server, t,
                    t.at("AuthFailed") - t.at("SyncConnected"));
            assertEquals(List.of(
                    "connect => OK",
                    "await AuthFailed 20000 => OK",
                    "state => OK AUTH_FAILED",
                    "exists / => ERR AUTHFAILED -115",
                    "sleep 2000 => OK",
                    "state => OK AUTH_FAILED",
                    "close => OK"), t.results(), t.raw());
            assertEquals(List.of("SyncConnected", "AuthFailed"), t.states(), t.raw());
            long giveUp = t.at("AuthFailed") - t.at("SyncConnected");
            assertTrue(giveUp >= 0 && giveUp < 5_000, "AuthFailed " + giveUp + " ms after SyncConnected");
            // and the server still serves clients without SASL
            try (ZooKeeper anonymous = connect(proc)) {
                assertEquals("/plain", anonymous.create("/plain", DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                assertEquals(List.of("ip:127.0.0.1"), whoAmI(anonymous));
            }
        }
    }

    /**
     * 10. {@code -Dzookeeper.sasl.serverconfig} names the JAAS section: with the users under "ZkServer" and the
     * property naming it, bob authenticates; with the property naming a section the file lacks, the server starts
     * without SASL (ZooKeeper's {@code configureSaslLogin} fails the start only when the JAAS file itself cannot
     * be read), and answers SASL requests as a server without SASL does.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void serverconfigProperty_namesTheJaasSection(Server server) throws Exception {
        Path renamed = write(dir.resolve("server-renamed.jaas"), Files.readString(serverJaas)
                .replace("Server {", "ZkServer {"));
        Map<String, String> cfg = Map.of("authProvider.1", SASL_PROVIDER);
        try (ServerProcess proc = startServing(server, "renamed-" + server, cfg, List.of(
                "-Djava.security.auth.login.config=" + renamed, "-Dzookeeper.sasl.serverconfig=ZkServer"), false)) {
            Transcript t = script(proc, "bob:bobsecret", "connect", "await SaslAuthenticated 20000", "whoami",
                    "close");
            System.out.printf("[%s] 10: section ZkServer: %s%n", server, t);
            assertEquals(List.of("connect => OK", "await SaslAuthenticated 20000 => OK",
                    "whoami => OK ip:127.0.0.1,sasl:bob", "close => OK"), t.results(), t.raw());
        }
        try (ServerProcess proc = startServing(server, "nosection-" + server, cfg, List.of(
                "-Djava.security.auth.login.config=" + renamed, "-Dzookeeper.sasl.serverconfig=Nope"), false)) {
            assertEquals(List.of("1 zxid=0 err=0 null", "alive"), rawEmptySaslRounds(proc, 1));
            Transcript t = script(proc, "bob:bobsecret", "connect", "await AuthFailed 20000", "state", "close");
            System.out.printf("[%s] 10: section Nope: %s%n", server, t);
            assertEquals(List.of("connect => OK", "await AuthFailed 20000 => OK", "state => OK AUTH_FAILED",
                    "close => OK"), t.results(), t.raw());
        }
    }

    /**
     * 9b. SASL requests do not keep a session alive: ZooKeeper touches a session only for the requests it submits
     * to its processors ({@code submitRequestNow}), not for sasl (nor auth) packets, which {@code processPacket}
     * answers itself. A connection that sends nothing but SASL requests (every 500 ms, each answered) loses its
     * session when the timeout (4 s, tickTime 2 s) runs out, and the server closes it: what ends Kazoo's endless
     * exchange with a server without SASL (SaslKazooTest).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void saslRequestsDoNotKeepASessionAlive(Server server) throws Exception {
        try (ServerProcess proc = startServing(server, "nosasl-touch-" + server, Map.of(), List.of(), false);
                RawClient c = RawClient.connect(proc.port())) {
            c.handshake(4_000);
            long start = System.nanoTime();
            int answered = 0;
            String end = "still open after 15 s";
            for (int xid = FIRST_SASL_XID; System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15); xid++) {
                if (!c.trySend(xid, ZooDefs.OpCode.sasl, new GetSASLRequest(new byte[0]))) {
                    end = "closed (send failed)";
                    break;
                }
                RawClient.Next n = c.next(RAW_WAIT);
                if (!(n instanceof RawClient.Frame f)) {
                    end = c.describe(n);
                    break;
                }
                assertEquals(xid + " zxid=0 err=0 null", f.xid() + " zxid=" + f.zxid() + " err=" + f.err() + " "
                        + saslBody(f));
                answered++;
                Thread.sleep(500);
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("[%s] 9b: %d SASL requests answered, then %s, %d ms after the handshake%n", server,
                    answered, end, ms);
            assertEquals("closed", end, server + " after " + answered + " SASL requests in " + ms + " ms");
            assertTrue(ms >= 3_500 && ms <= 10_000, "closed " + ms + " ms after the handshake (session 4 s)");
        }
    }

    // ---------------------------------------------------------------- shared checks

    /**
     * The Java client whose SASL the server refuses: SyncConnected, AuthFailed right after, then nothing: no
     * reconnection, requests failed locally with AuthFailed.
     */
    private static void assertSaslRefused(Server server, ServerProcess proc, String user)
            throws Exception {
        Transcript t = script(proc, user, "connect", "await AuthFailed 20000", "state", "exists /",
                "get /", "sleep 3000", "state", "exists /", "close");
        System.out.printf("[%s] %s refused: %s; AuthFailed %d ms after SyncConnected%n", server, user, t,
                t.at("AuthFailed") - t.at("SyncConnected"));
        assertEquals(List.of(
                "connect => OK",
                "await AuthFailed 20000 => OK",
                "state => OK AUTH_FAILED",
                "exists / => ERR AUTHFAILED -115",
                "get / => ERR AUTHFAILED -115",
                "sleep 3000 => OK",
                "state => OK AUTH_FAILED",
                "exists / => ERR AUTHFAILED -115",
                "close => OK"), t.results(), t.raw());
        // the client gives up at once, and stays given up (no SyncConnected again, no Closed on close)
        assertEquals(List.of("SyncConnected", "AuthFailed"), t.states(), t.raw());
        long giveUp = t.at("AuthFailed") - t.at("SyncConnected");
        assertTrue(giveUp >= 0 && giveUp < 5_000, "AuthFailed " + giveUp + " ms after SyncConnected");
    }

    /**
     * Scenarios 6 and 7: SASL required. A Java client without SASL connects (its session is made), its first
     * request fails with SessionClosedRequireAuth (-124), and it is disconnected; on the wire that is a reply
     * with zxid 0 and no body, then the close. A SASL client (bob) works; a wrong SASL password is answered -124.
     */
    private static void assertSaslRequired(Server server, ServerProcess proc, String label) throws Exception {
        Events events = new Events();
        try (ZooKeeper plain = connect(proc, null, events)) {
            KeeperException e = assertThrows(KeeperException.class, () -> plain.exists("/", false));
            assertEquals(KeeperException.Code.SESSIONCLOSEDREQUIRESASLAUTH, e.code());
            assertEquals(-124, e.code().intValue());
            assertTrue(events.await("Disconnected", 1, 10_000), "no Disconnected after -124: " + events);
            // the session lives on: the client reconnects, and is refused again at its next request
            assertTrue(events.await("SyncConnected", 2, 10_000), "no reconnection: " + events);
            KeeperException again = assertThrows(KeeperException.class, () -> plain.getData("/", false, null));
            assertEquals(KeeperException.Code.SESSIONCLOSEDREQUIRESASLAUTH, again.code());
            assertTrue(events.await("Disconnected", 2, 10_000), "no Disconnected after the second -124: " + events);
            System.out.printf("[%s] %s: client without SASL: %s; events %s%n", server, label, e, events);
            assertEquals(List.of("SyncConnected", "Disconnected", "SyncConnected", "Disconnected"),
                    events.states().subList(0, 4), events.toString());
        }
        assertEquals(List.of("handshake", "1 zxid=0 err=-124 empty", "closed"), rawExists(proc, null));
        // a digest identity is not a SASL one
        assertEquals(List.of("handshake", "auth zxid=0 err=0 empty", "1 zxid=0 err=-124 empty", "closed"),
                rawExists(proc, "bob:bobsecret"));

        Transcript bob = script(proc, "bob:bobsecret", "connect", "await SaslAuthenticated 20000", "whoami",
                "create /bob-node sasl:bob:" + ALL, "get /bob-node", "state", "close");
        System.out.printf("[%s] %s: sasl client %s%n", server, label, bob);
        assertEquals(List.of(
                "connect => OK",
                "await SaslAuthenticated 20000 => OK",
                "whoami => OK ip:127.0.0.1,sasl:bob",
                "create /bob-node sasl:bob:31 => OK /bob-node",
                "get /bob-node => OK data",
                "state => OK CONNECTED",
                "close => OK"), bob.results(), bob.raw());
        assertEquals(List.of("SyncConnected", "SaslAuthenticated", "Closed"), bob.states(), bob.raw());

        assertEquals(List.of(FIRST_SASL_XID + " zxid=0 err=0 token", (FIRST_SASL_XID + 1) + " zxid=0 err=-124 null",
                "closed"), rawSasl(proc, "bob", "wrong"));
        // and a raw DIGEST-MD5 exchange that succeeds: challenge, rspauth, then requests are served
        assertEquals(List.of(FIRST_SASL_XID + " zxid=0 err=0 token", (FIRST_SASL_XID + 1) + " zxid=0 err=0 token",
                "complete", "alive"), rawSasl(proc, "bob", "bobsecret"));
    }

    // ---------------------------------------------------------------- the child JVM

    /** What {@link SaslScript} printed: its command results in order, and its events with their times. */
    record Transcript(List<String> results, List<String> events, String raw) {
        static Transcript parse(String stdout) {
            List<String> results = new ArrayList<>();
            List<String> events = new ArrayList<>();
            for (String line : stdout.split("\n")) {
                if (!line.startsWith(SaslScript.PREFIX)) {
                    continue;
                }
                String rest = line.substring(SaslScript.PREFIX.length());
                if (rest.startsWith("> ")) {
                    results.add(rest.substring(2));
                } else if (rest.startsWith("event ")) {
                    events.add(rest.substring(6));
                }
            }
            return new Transcript(results, events, stdout);
        }

        /** The events' KeeperStates, in order. */
        List<String> states() {
            return events.stream().map(e -> e.split(" ")[0]).toList();
        }

        /** When (ms after connect) the first event of this state came. */
        long at(String state) {
            for (String e : events) {
                String[] f = e.split(" ");
                if (f[0].equals(state)) {
                    return Long.parseLong(f[2].substring(1));
                }
            }
            throw new AssertionError("no " + state + " event in\n" + raw);
        }

        @Override
        public String toString() {
            return results + " events " + events;
        }
    }

    /**
     * Runs {@link SaslScript} in a child JVM with the client JAAS file of {@code user} ("name:password") against
     * {@code proc}.
     */
    static Transcript script(ServerProcess proc, String user, String... commands) {
        Path jaas = CLIENT_JAAS.get(user);
        assertNotNull(jaas, "no client JAAS file for " + user);
        return script(proc.connectString(), jaas, commands);
    }

    static Transcript script(String connectString, Path jaas, String... commands) {
        return script(SaslScript.class, connectString, jaas, commands);
    }

    /**
     * Runs {@code main} (a class that prints as {@link SaslScript} does and ends with "done") in a child JVM with
     * the client JAAS file {@code jaas} and {@code -Dzookeeper.fips-mode=false}, with {@code connectString} and
     * {@code args} as its arguments.
     */
    static Transcript script(Class<?> main, String connectString, Path jaas, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.security.auth.login.config=" + jaas,
                "-Dzookeeper.fips-mode=false",
                "-cp", System.getProperty("java.class.path"),
                main.getName(), connectString));
        command.addAll(List.of(args));
        Subprocess.Result r = Subprocess.run(CHILD_TIMEOUT, Map.of(), command);
        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(r.stdout().contains(SaslScript.PREFIX + "done"), r.describe());
        return Transcript.parse(r.stdout());
    }

    // ---------------------------------------------------------------- the wire, by hand

    /**
     * A DIGEST-MD5 exchange by hand: the handshake, then SASL requests (opcode 102, xids from 1) as the Java client
     * sends them, starting with an empty token. Returns what came back: "XID zxid=Z err=E token|null|empty" per
     * reply, "closed" or "silent" when no reply came, and, once the exchange completes, "complete" and whether the
     * session then answers a request ("alive").
     */
    static List<String> rawSasl(ServerProcess proc, String user, String password) throws Exception {
        List<String> seen = new ArrayList<>();
        SaslClient sasl = Sasl.createSaslClient(new String[] {"DIGEST-MD5"}, user, "zookeeper", "zk-sasl-md5",
                null, callbacks -> {
                    for (Callback c : callbacks) {
                        if (c instanceof NameCallback n) {
                            n.setName(user);
                        } else if (c instanceof PasswordCallback p) {
                            p.setPassword(password.toCharArray());
                        } else if (c instanceof RealmCallback r) {
                            r.setText(r.getDefaultText());
                        }
                    }
                });
        try (RawClient c = RawClient.connect(proc.port())) {
            c.handshake(SESSION_MS);
            byte[] token = sasl.hasInitialResponse() ? sasl.evaluateChallenge(new byte[0]) : new byte[0];
            for (int xid = FIRST_SASL_XID; xid < FIRST_SASL_XID + 5; xid++) {
                c.send(xid, ZooDefs.OpCode.sasl, new GetSASLRequest(token));
                RawClient.Next n = c.next(RAW_WAIT);
                if (!(n instanceof RawClient.Frame f)) {
                    seen.add(c.describe(n));
                    return seen;
                }
                SetSASLResponse rsp = new SetSASLResponse();
                if (f.body().length > 0) {
                    rsp.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(f.body())), "response");
                }
                seen.add(f.xid() + " zxid=" + f.zxid() + " err=" + f.err() + " " + saslBody(f));
                if (f.err() != 0) {
                    seen.add(c.describe(c.next(RAW_WAIT)));
                    return seen;
                }
                token = sasl.evaluateChallenge(rsp.getToken() == null ? new byte[0] : rsp.getToken());
                if (sasl.isComplete()) {
                    seen.add("complete");
                    seen.add(c.alive());
                    return seen;
                }
            }
            seen.add("not complete after 5 rounds");
            return seen;
        } finally {
            sasl.dispose();
        }
    }

    /**
     * The handshake, then {@code rounds} SASL requests with an empty token (a DIGEST-MD5 client's first), each
     * answer described as by {@link #rawSasl}, then whether the session answers a request ("alive").
     */
    static List<String> rawEmptySaslRounds(ServerProcess proc, int rounds) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RawClient c = RawClient.connect(proc.port())) {
            c.handshake(SESSION_MS);
            for (int xid = FIRST_SASL_XID; xid < FIRST_SASL_XID + rounds; xid++) {
                c.send(xid, ZooDefs.OpCode.sasl, new GetSASLRequest(new byte[0]));
                RawClient.Next n = c.next(RAW_WAIT);
                if (!(n instanceof RawClient.Frame f)) {
                    seen.add(c.describe(n));
                    return seen;
                }
                seen.add(f.xid() + " zxid=" + f.zxid() + " err=" + f.err() + " " + saslBody(f));
            }
            seen.add(c.alive());
            return seen;
        }
    }

    /** A SASL reply's body: "empty" (none), "null" (a null token) or "token". */
    private static String saslBody(RawClient.Frame f) throws IOException {
        if (f.body().length == 0) {
            return "empty";
        }
        SetSASLResponse rsp = new SetSASLResponse();
        rsp.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(f.body())), "response");
        return rsp.getToken() == null ? "null" : "token";
    }

    /**
     * The handshake, an optional digest auth packet ({@code digest}: "user:password"), then {@code exists /} with
     * xid 1: "handshake", "auth zxid=Z err=E empty", "1 zxid=Z err=E empty" (or "1 err=0" for a normal reply,
     * whose zxid is the server's), then what comes next: "closed", or "alive" when the session still answers.
     */
    static List<String> rawExists(ServerProcess proc, String digest) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RawClient c = RawClient.connect(proc.port())) {
            c.handshake(SESSION_MS);
            seen.add("handshake");
            if (digest != null) {
                c.send(-4, ZooDefs.OpCode.auth, new org.apache.zookeeper.proto.AuthPacket(0, "digest",
                        digest.getBytes(StandardCharsets.UTF_8)));
                RawClient.Frame f = c.reply();
                assertEquals(-4, f.xid());
                seen.add("auth zxid=" + f.zxid() + " err=" + f.err() + " " + (f.body().length == 0 ? "empty"
                        : f.body().length + " bytes"));
            }
            c.send(1, ZooDefs.OpCode.exists, new ExistsRequest("/", false));
            RawClient.Next n = c.next(RAW_WAIT);
            if (!(n instanceof RawClient.Frame f)) {
                seen.add(c.describe(n));
                return seen;
            }
            if (f.err() == 0) {
                seen.add(f.xid() + " err=0");
                seen.add(c.alive());
            } else {
                seen.add(f.xid() + " zxid=" + f.zxid() + " err=" + f.err() + " "
                        + (f.body().length == 0 ? "empty" : f.body().length + " bytes"));
                seen.add(c.describe(c.next(RAW_WAIT)));
            }
            return seen;
        }
    }

    // ---------------------------------------------------------------- clients in this JVM (no SASL)

    /** What a client's default watcher saw: states in order. */
    static final class Events {
        private final List<String> states = new CopyOnWriteArrayList<>();
        private final long start = System.nanoTime();
        private final List<String> timed = new CopyOnWriteArrayList<>();

        void add(KeeperState s) {
            states.add(String.valueOf(s));
            timed.add(s + " +" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }

        List<String> states() {
            return List.copyOf(states);
        }

        /** Waits at most {@code ms} until {@code count} events of {@code state} have come. */
        boolean await(String state, int count, long ms) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
            while (System.nanoTime() < deadline) {
                if (count(state) >= count) {
                    return true;
                }
                Thread.sleep(10);
            }
            return count(state) >= count;
        }

        private long count(String state) {
            return states.stream().filter(state::equals).count();
        }

        @Override
        public String toString() {
            return timed.toString();
        }
    }

    static ZooKeeper connect(ServerProcess proc) throws Exception {
        return connect(proc, null);
    }

    /** A client without SASL; with digest auth ("user:password") added before it connects, when not null. */
    static ZooKeeper connect(ServerProcess proc, String digest) throws Exception {
        return connect(proc, digest, new Events());
    }

    static ZooKeeper connect(ServerProcess proc, String digest, Events events) throws Exception {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(proc.connectString(), SESSION_MS, event -> {
            events.add(event.getState());
            if (event.getState() == KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, config);
        if (digest != null) {
            zk.addAuthInfo("digest", digest.getBytes(StandardCharsets.UTF_8));
        }
        if (!connected.await(30, TimeUnit.SECONDS)) {
            zk.close();
            throw new AssertionError("no connection to " + proc.connectString() + " in 30 s:\n" + proc.log());
        }
        return zk;
    }

    static List<String> whoAmI(ZooKeeper zk) throws Exception {
        List<String> ids = new ArrayList<>();
        for (ClientInfo c : zk.whoAmI()) {
            ids.add(c.getAuthScheme() + ":" + c.getUser());
        }
        ids.sort(null);
        return ids;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
