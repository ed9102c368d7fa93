package dev.keeper.compat.sasl;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;

/**
 * A Curator 5.9.0 application authenticated with SASL, run by {@link CuratorSaslTest} in a JVM of its own (JAAS is
 * JVM-wide; see {@link SaslScript}), with a client JAAS file ("Client" section) and
 * {@code -Dzookeeper.fips-mode=false}. Curator builds its ZooKeeper client with no ZKClientConfig of its own, so
 * the client reads SASL from the JAAS file as any application's would.
 *
 * <p>Usage: {@code CuratorSaslScript HOST:PORT BASE USER}: a CuratorFramework whose {@link ACLProvider} gives every
 * node {@code sasl:USER:cdrwa}; it connects, waits for SaslAuthenticated, then under BASE creates a node with its
 * parents, reads, sets and lists it, reads the ACLs, and takes and releases an InterProcessMutex. Each step prints
 * {@code SASLSCRIPT > STEP => RESULT} as {@link SaslScript} does (RESULT {@code OK ...}, {@code ERR NAME CODE} for a
 * KeeperException, {@code TIMEOUT} for a bounded wait that ran out), each connection state its default watcher sees
 * {@code SASLSCRIPT event STATE None +MS}; it ends with {@code SASLSCRIPT done} and exit status 0.
 */
public final class CuratorSaslScript {
    private static final long WAIT_MS = 20_000;

    private final PrintStream out = System.out;
    private final List<KeeperState> seen = new ArrayList<>();
    private final long start = System.nanoTime();

    private interface Step {
        String run() throws Exception;
    }

    public static void main(String[] args) {
        new CuratorSaslScript().run(args[0], args[1], args[2]);
        System.exit(0);
    }

    private void run(String connectString, String base, String user) {
        List<ACL> acl = new ArrayList<>();
        acl.add(new ACL(31, new Id("sasl", user)));
        ACLProvider provider = new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return acl;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return acl;
            }
        };
        CuratorFramework c = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(30_000)
                .connectionTimeoutMs(15_000)
                .retryPolicy(new RetryNTimes(3, 200))
                .aclProvider(provider)
                .build();
        c.getCuratorListenable().addListener((client, event) -> {
            if (event.getType() == CuratorEventType.WATCHED && event.getWatchedEvent().getPath() == null) {
                KeeperState state = event.getWatchedEvent().getState();
                print("event " + state + " " + event.getWatchedEvent().getType() + " +"
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                synchronized (seen) {
                    seen.add(state);
                    seen.notifyAll();
                }
            }
        });
        String config = base + "/app/config";
        String lockPath = base + "/lock";
        InterProcessMutex mutex = new InterProcessMutex(c, lockPath);
        step("start", () -> {
            c.start();
            return "OK " + c.blockUntilConnected((int) (WAIT_MS / 1000), TimeUnit.SECONDS);
        });
        step("await SaslAuthenticated", () -> await(KeeperState.SaslAuthenticated));
        step("whoami", () -> {
            List<String> ids = new ArrayList<>();
            for (ClientInfo i : c.getZookeeperClient().getZooKeeper().whoAmI()) {
                ids.add(i.getAuthScheme() + ":" + i.getUser());
            }
            ids.sort(null);
            return "OK " + String.join(",", ids);
        });
        step("create " + config, () -> "OK " + c.create().creatingParentsIfNeeded().forPath(config, bytes("v1")));
        step("get " + config, () -> "OK " + new String(c.getData().forPath(config), StandardCharsets.UTF_8));
        step("set " + config, () -> "OK version " + c.setData().withVersion(0).forPath(config, bytes("v2"))
                .getVersion());
        step("get " + config, () -> "OK " + new String(c.getData().forPath(config), StandardCharsets.UTF_8));
        step("ls " + base + "/app", () -> "OK " + c.getChildren().forPath(base + "/app"));
        for (String p : List.of(base, base + "/app", config)) {
            step("getacl " + p, () -> "OK " + acl(c.getACL().forPath(p)));
        }
        step("acquire " + lockPath, () -> "OK " + mutex.acquire(WAIT_MS, TimeUnit.MILLISECONDS));
        step("lock nodes' acl", () -> {
            List<String> acls = new ArrayList<>();
            for (String n : c.getChildren().forPath(lockPath)) {
                acls.add(acl(c.getACL().forPath(lockPath + "/" + n)));
            }
            return "OK " + acl(c.getACL().forPath(lockPath)) + " " + acls;
        });
        step("release " + lockPath, () -> {
            mutex.release();
            return "OK " + c.getChildren().forPath(lockPath);
        });
        step("close", () -> {
            c.close();
            return "OK";
        });
        print("done");
    }

    private String await(KeeperState state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        synchronized (seen) {
            while (!seen.contains(state)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return "TIMEOUT";
                }
                seen.wait(left);
            }
        }
        return "OK";
    }

    private void step(String name, Step s) {
        String result;
        try {
            result = s.run();
        } catch (KeeperException e) {
            result = "ERR " + e.code() + " " + e.code().intValue();
        } catch (Exception e) {
            result = "EXCEPTION " + e;
        }
        print("> " + name + " => " + result);
    }

    private static String acl(List<ACL> acl) {
        List<String> out = new ArrayList<>();
        for (ACL a : acl) {
            out.add(a.getId().getScheme() + ":" + a.getId().getId() + ":" + a.getPerms());
        }
        return String.join(",", out);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void print(String line) {
        synchronized (out) {
            out.println(SaslScript.PREFIX + line);
            out.flush();
        }
    }
}
