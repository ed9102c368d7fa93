package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import dev.keeper.compat.ensemble.EnsembleUnderTest.Server;
import dev.keeper.compat.support.JavaClient;
import dev.keeper.compat.support.ZooKeeperJmxKnobs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ensemble member's MBeans against a ZooKeeper 3.9.5 {@code QuorumPeer}'s, read through JMX from each member's
 * process (attached by its pid, as jconsole or a JMX exporter's agent would): on the leader and on a follower, each
 * with a client connected, the same object names once the ids are taken out ({@code ReplicatedServer_id<me>},
 * {@code replica.<me>} and {@code replica.<peer>}, the role's bean with its {@code InMemoryDataTree} and {@code
 * Connections}), and in each bean ZooKeeper's attributes with their types and its operations, but for its tuning
 * knobs of mechanisms this server does not have.
 */
class JmxEnsembleDiffTest {
    private static final Set<String> ZOOKEEPER_KNOBS = ZooKeeperJmxKnobs.ATTRIBUTES;

    @TempDir
    Path dir;

    /** What one member shows: its beans by generalised name, each bean's attributes (name to type) and operations. */
    private record Member(Map<String, Map<String, String>> attributes, Map<String, Set<String>> operations) {
    }

    @Test
    void leaderAndFollowerBeans_areZooKeepers() throws Exception {
        Map<Server, Map<String, Member>> seen = new EnumMap<>(Server.class);
        for (Server server : Server.values()) {
            try (EnsembleUnderTest e = EnsembleUnderTest.launch(server, dir.resolve(server.toString()))) {
                int leader = e.awaitLeader();
                int follower = leader == 1 ? 2 : 1;
                List<ZooKeeper> clients = new ArrayList<>();
                try {
                    clients.add(JavaClient.connect(e.connectString(leader)));
                    clients.add(JavaClient.connect(e.connectString(follower)));
                    Map<String, Member> roles = new TreeMap<>();
                    roles.put("leader", read(e, leader));
                    roles.put("follower", read(e, follower));
                    seen.put(server, roles);
                } finally {
                    for (ZooKeeper zk : clients) {
                        zk.close();
                    }
                }
            }
        }
        List<String> failures = new ArrayList<>();
        for (String role : List.of("leader", "follower")) {
            Member zk = seen.get(Server.ZOOKEEPER).get(role);
            Member ours = seen.get(Server.OURS).get(role);
            assertEquals(zk.attributes().keySet(), ours.attributes().keySet(), role + ": the object names");
            for (String bean : zk.attributes().keySet()) {
                Map<String, String> z = zk.attributes().get(bean);
                Map<String, String> o = ours.attributes().get(bean);
                o.forEach((a, type) -> {
                    if (!type.equals(z.get(a))) {
                        failures.add(role + " " + bean + " " + a + ": ours " + type + ", ZooKeeper's " + z.get(a));
                    }
                });
                z.keySet().stream().filter(a -> !o.containsKey(a) && !ZOOKEEPER_KNOBS.contains(a))
                        .forEach(a -> failures.add(role + " " + bean + " " + a + ": missing"));
                Set<String> zOps = new TreeSet<>(zk.operations().get(bean));
                Set<String> oOps = new TreeSet<>(ours.operations().get(bean));
                if (!zOps.equals(oOps)) {
                    failures.add(role + " " + bean + " operations: ours " + oOps + ", ZooKeeper's " + zOps);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** The member's ZooKeeper beans, through JMX from its own process, once its connection bean is there. */
    private static Member read(EnsembleUnderTest e, int id) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(e.pid(id)));
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection s = c.getMBeanServerConnection();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                Map<String, Map<String, String>> attributes = new TreeMap<>();
                Map<String, Set<String>> operations = new TreeMap<>();
                boolean whole = true;
                for (ObjectName n : s.queryNames(new ObjectName("org.apache.ZooKeeperService:*"), null)) {
                    try {
                        Map<String, String> a = new TreeMap<>();
                        for (MBeanAttributeInfo i : s.getMBeanInfo(n).getAttributes()) {
                            a.put(i.getName(), i.getType());
                        }
                        Set<String> ops = new TreeSet<>();
                        for (MBeanOperationInfo o : s.getMBeanInfo(n).getOperations()) {
                            ops.add(o.getName() + "->" + o.getReturnType());
                        }
                        String general = general(n, id);
                        attributes.put(general, a);
                        operations.put(general, ops);
                    } catch (javax.management.InstanceNotFoundException gone) {
                        // Unregistered between the listing and the read: the member's tree follows its role (our
                        // members look once a second, so the LeaderElection bean can outlive the election by that
                        // much); read the tree again once it has settled.
                        whole = false;
                    }
                }
                boolean settled = whole
                        && attributes.keySet().stream().anyMatch(k -> k.contains("name3=Connections"))
                        && attributes.keySet().stream().noneMatch(k -> k.contains("LeaderElection"));
                if (settled || System.nanoTime() > deadline) {
                    return new Member(attributes, operations);
                }
                Thread.sleep(200);
            }
        }
    }

    /** A bean's name with this member's id, its peers' ids, learners' addresses and session ids taken out. */
    private static String general(ObjectName n, int me) {
        return n.getCanonicalName()
                .replace("ReplicatedServer_id" + me, "ReplicatedServer_id<me>")
                .replace("replica." + me, "replica.<me>")
                .replaceAll("replica\\.\\d+", "replica.<peer>")
                .replaceAll("=0x[0-9a-f]+", "=<session>")
                .replaceAll("name4=\"[0-9.]+:\\d+\",name5=\"id:\\d+\"", "name4=<learner>,name5=<sid>");
    }
}
