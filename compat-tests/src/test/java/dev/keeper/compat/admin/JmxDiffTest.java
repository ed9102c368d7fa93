package dev.keeper.compat.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.persist.ServerProcess;
import dev.keeper.compat.support.LoopbackPorts;
import dev.keeper.compat.support.Server;
import dev.keeper.compat.support.ZooKeeperJmxKnobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZooKeeper's MBeans, read through remote JMX ({@code javax.management.remote}), ours against ZooKeeper 3.9.5's,
 * each server a process with remote JMX on a loopback port, after the same client history (a session with an
 * ephemeral and a watch): the same object names, attribute names and types (ZooKeeper's tuning knobs of its own
 * request pipeline aside), the same operations, and the same values where the history fixes them; then
 * terminateSession ends the session on both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JmxDiffTest {
    private static final Set<String> ZOOKEEPER_KNOBS = ZooKeeperJmxKnobs.ATTRIBUTES;

    @TempDir
    static Path dir;
    private final Map<Server, ServerProcess> servers = new EnumMap<>(Server.class);
    private final Map<Server, JMXConnector> jmx = new EnumMap<>(Server.class);
    private final Map<Server, ZooKeeper> clients = new EnumMap<>(Server.class);

    @BeforeAll
    void startBoth() throws Exception {
        for (Server s : Server.values()) {
            int jmxPort = LoopbackPorts.unused();
            Path data = Files.createDirectories(dir.resolve(s + "-data"));
            ServerProcess p = ServerProcess.start(dir, data, Map.of(), s.toString(), s.mainClass(), List.of(
                    "-Dcom.sun.management.jmxremote.port=" + jmxPort,
                    "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
                    "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                    "-Djava.rmi.server.hostname=127.0.0.1",
                    "-Dcom.sun.management.jmxremote.authenticate=false",
                    "-Dcom.sun.management.jmxremote.ssl=false"));
            servers.put(s, p);
            p.awaitServing();
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper(p.connectString(), 30_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            assertTrue(connected.await(30, TimeUnit.SECONDS));
            zk.create("/app", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/app/eph", new byte[3], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            zk.exists("/app", true);
            clients.put(s, zk);
            jmx.put(s, JMXConnectorFactory.connect(new JMXServiceURL(
                    "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi")));
        }
    }

    @AfterAll
    void stopBoth() throws Exception {
        for (JMXConnector c : jmx.values()) {
            c.close();
        }
        for (ZooKeeper zk : clients.values()) {
            zk.close();
        }
        for (ServerProcess p : servers.values()) {
            p.close();
        }
    }

    /** The ZooKeeper beans of a server, by name with its ports and session ids replaced by placeholders. */
    private Map<String, ObjectName> beans(Server s) throws Exception {
        MBeanServerConnection c = jmx.get(s).getMBeanServerConnection();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Map<String, ObjectName> m = new TreeMap<>();
            for (ObjectName n : c.queryNames(new ObjectName("org.apache.ZooKeeperService:*"), null)) {
                String general = n.getCanonicalName().replace("_port" + servers.get(s).port(), "_port<port>")
                        .replaceAll("name3=0x[0-9a-f]+", "name3=<session>");
                m.put(general, n);
            }
            // a connection's bean follows its session (ours registers it within a second)
            if (m.size() == 3 || System.nanoTime() > deadline) {
                return m;
            }
            Thread.sleep(100);
        }
    }

    @Test
    void objectNames_areZooKeepers() throws Exception {
        Map<String, ObjectName> zk = beans(Server.ZOOKEEPER);
        Map<String, ObjectName> ours = beans(Server.OURS);
        assertEquals(zk.keySet(), ours.keySet());
        assertEquals(3, ours.size(), ours.keySet().toString());
    }

    /**
     * Each bean's attributes: every one of ours is ZooKeeper's with its type, and every one of ZooKeeper's but its
     * pipeline knobs is ours; the operations are ZooKeeper's.
     */
    @Test
    void attributesAndOperations_areZooKeepers() throws Exception {
        Map<String, ObjectName> zkBeans = beans(Server.ZOOKEEPER);
        Map<String, ObjectName> ourBeans = beans(Server.OURS);
        List<String> failures = new ArrayList<>();
        for (String bean : zkBeans.keySet()) {
            Map<String, String> z = attributes(Server.ZOOKEEPER, zkBeans.get(bean));
            Map<String, String> o = attributes(Server.OURS, ourBeans.get(bean));
            for (Map.Entry<String, String> e : o.entrySet()) {
                if (!e.getValue().equals(z.get(e.getKey()))) {
                    failures.add(bean + " " + e.getKey() + ": ours " + e.getValue() + ", ZooKeeper's "
                            + z.get(e.getKey()));
                }
            }
            for (String a : z.keySet()) {
                if (!o.containsKey(a) && !ZOOKEEPER_KNOBS.contains(a)) {
                    failures.add(bean + " " + a + ": missing");
                }
            }
            assertEquals(operations(Server.ZOOKEEPER, zkBeans.get(bean)), operations(Server.OURS, ourBeans.get(bean)),
                    bean);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private Map<String, String> attributes(Server s, ObjectName n) throws Exception {
        Map<String, String> m = new TreeMap<>();
        for (MBeanAttributeInfo a : jmx.get(s).getMBeanServerConnection().getMBeanInfo(n).getAttributes()) {
            m.put(a.getName(), a.getType());
        }
        return m;
    }

    private Set<String> operations(Server s, ObjectName n) throws Exception {
        Set<String> ops = new TreeSet<>();
        for (MBeanOperationInfo o : jmx.get(s).getMBeanServerConnection().getMBeanInfo(n).getOperations()) {
            ops.add(o.getName() + "->" + o.getReturnType());
        }
        return ops;
    }

    @Test
    void valuesTheHistoryFixes_areEqual() throws Exception {
        Map<String, ObjectName> zkBeans = beans(Server.ZOOKEEPER);
        Map<String, ObjectName> ourBeans = beans(Server.OURS);
        String tree = "org.apache.ZooKeeperService:name0=StandaloneServer_port<port>,name1=InMemoryDataTree";
        for (String a : List.of("NodeCount", "WatchCount", "LastZxid")) {
            assertEquals(get(Server.ZOOKEEPER, zkBeans.get(tree), a), get(Server.OURS, ourBeans.get(tree), a), a);
        }
        String server = "org.apache.ZooKeeperService:name0=StandaloneServer_port<port>";
        for (String a : List.of("TickTime", "MinSessionTimeout", "MaxSessionTimeout", "MaxClientCnxnsPerHost",
                "JuteMaxBufferSize", "SecureClientPort", "NumAliveConnections", "OutstandingRequests")) {
            assertEquals(get(Server.ZOOKEEPER, zkBeans.get(server), a), get(Server.OURS, ourBeans.get(server), a), a);
        }
        assertEquals(Integer.toString(servers.get(Server.OURS).port()), get(Server.OURS, ourBeans.get(server),
                "ClientPort"));
        String connection = connectionBean(ourBeans);
        for (String a : List.of("SessionTimeout", "LastZxid")) {
            assertEquals(get(Server.ZOOKEEPER, zkBeans.get(connection), a),
                    get(Server.OURS, ourBeans.get(connection), a), a);
        }
        assertArrayEquals((String[]) get(Server.ZOOKEEPER, zkBeans.get(connection), "EphemeralNodes"),
                (String[]) get(Server.OURS, ourBeans.get(connection), "EphemeralNodes"));
        assertEquals("0x" + Long.toHexString(clients.get(Server.OURS).getSessionId()),
                get(Server.OURS, ourBeans.get(connection), "SessionId"));
        for (String op : List.of("approximateDataSize", "countEphemerals")) {
            assertEquals(jmx.get(Server.ZOOKEEPER).getMBeanServerConnection().invoke(zkBeans.get(tree), op, null,
                    null), jmx.get(Server.OURS).getMBeanServerConnection().invoke(ourBeans.get(tree), op, null, null),
                    op);
        }
    }

    private static String connectionBean(Map<String, ObjectName> beans) {
        return beans.keySet().stream().filter(k -> k.contains("name1=Connections")).findFirst().orElseThrow();
    }

    private Object get(Server s, ObjectName n, String attribute) throws Exception {
        return jmx.get(s).getMBeanServerConnection().getAttribute(n, attribute);
    }

    /** terminateSession on the connection's bean: the client's session expires and its ephemeral goes, on both. */
    @Test
    void terminateSession_expiresTheSession() throws Exception {
        for (Server s : Server.values()) {
            CountDownLatch expired = new CountDownLatch(1);
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper victim = new ZooKeeper(servers.get(s).connectString(), 30_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                } else if (e.getState() == Watcher.Event.KeeperState.Expired) {
                    expired.countDown();
                }
            });
            try {
                assertTrue(connected.await(30, TimeUnit.SECONDS));
                victim.create("/victim", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                String id = "0x" + Long.toHexString(victim.getSessionId());
                ObjectName bean = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (bean == null && System.nanoTime() < deadline) {
                    for (ObjectName n : jmx.get(s).getMBeanServerConnection().queryNames(
                            new ObjectName("org.apache.ZooKeeperService:*"), null)) {
                        if (id.equals(n.getKeyProperty("name3"))) {
                            bean = n;
                        }
                    }
                    Thread.sleep(50);
                }
                assertTrue(bean != null, s + ": no bean for " + id);
                jmx.get(s).getMBeanServerConnection().invoke(bean, "terminateSession", null, null);
                assertTrue(expired.await(30, TimeUnit.SECONDS), s + ": the session did not expire");
                assertNull(clients.get(s).exists("/victim", false), s + ": the ephemeral is gone");
            } finally {
                victim.close();
            }
        }
    }
}
