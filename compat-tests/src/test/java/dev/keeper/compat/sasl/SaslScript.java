package dev.keeper.compat.sasl;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;

/**
 * The stock ZooKeeper Java client, run by a test in a JVM of its own so that the JAAS configuration it reads
 * ({@code -Djava.security.auth.login.config}, section "Client") reaches nothing else: the JAAS configuration and
 * that property are JVM-wide, and a "Client" section makes every ZooKeeper client in the JVM try SASL.
 *
 * <p>Usage: {@code java -Djava.security.auth.login.config=client.jaas -cp ... SaslScript HOST:PORT CMD...}, each
 * command one argument, its words separated by spaces, run in order:
 * <ul>
 * <li>{@code connect}: a new ZooKeeper client (30 s session); the clock of the event lines starts here</li>
 * <li>{@code await STATE MS [N]}: waits at most MS ms until N (default 1) events of that KeeperState have come
 * since connect</li>
 * <li>{@code sleep MS}</li>
 * <li>{@code state}: the client's {@code getState()}</li>
 * <li>{@code whoami}: the ids whoAmI lists, as scheme:id, sorted</li>
 * <li>{@code create PATH ACL} (ACL: scheme:id:perms, comma separated; perms as an int), {@code get PATH},
 * {@code getacl PATH}, {@code exists PATH}, {@code addauth SCHEME AUTH}</li>
 * <li>{@code close}</li>
 * </ul>
 * It prints {@code SASLSCRIPT > CMD => RESULT} for each command (RESULT {@code OK ...}, or
 * {@code ERR NAME CODE} for a KeeperException) and {@code SASLSCRIPT event STATE TYPE +MS} for each event the
 * client's default watcher receives, MS counted from {@code connect}. Every wait is bounded; it always ends with
 * {@code SASLSCRIPT done} and exit status 0.
 */
public final class SaslScript {
    static final String PREFIX = "SASLSCRIPT ";

    private final String connectString;
    private final PrintStream out = System.out;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition eventArrived = lock.newCondition();
    private final List<KeeperState> seen = new ArrayList<>();
    private long start;
    private ZooKeeper zk;

    private SaslScript(String connectString) {
        this.connectString = connectString;
    }

    public static void main(String[] args) {
        SaslScript s = new SaslScript(args[0]);
        for (int i = 1; i < args.length; i++) {
            String result;
            try {
                result = s.run(args[i].split(" "));
            } catch (KeeperException e) {
                result = "ERR " + e.code() + " " + e.code().intValue();
            } catch (Exception e) {
                result = "EXCEPTION " + e;
            }
            s.print("> " + args[i] + " => " + result);
        }
        s.print("done");
        System.exit(0);
    }

    /** Waits until {@code count} events of state {@code wanted} have been seen, at most {@code ms}. */
    private boolean await(KeeperState wanted, long count, long ms) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        lock.lock();
        try {
            while (seen.stream().filter(wanted::equals).count() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                eventArrived.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private String run(String[] cmd) throws Exception {
        switch (cmd[0]) {
            case "connect" -> {
                start = System.nanoTime();
                zk = new ZooKeeper(connectString, 30_000, e -> {
                    print("event " + e.getState() + " " + e.getType() + " +" + elapsedMs());
                    lock.lock();
                    try {
                        seen.add(e.getState());
                        eventArrived.signalAll();
                    } finally {
                        lock.unlock();
                    }
                });
                return "OK";
            }
            case "await" -> {
                long count = cmd.length > 3 ? Long.parseLong(cmd[3]) : 1;
                return await(KeeperState.valueOf(cmd[1]), count, Long.parseLong(cmd[2])) ? "OK" : "TIMEOUT";
            }
            case "sleep" -> {
                Thread.sleep(Long.parseLong(cmd[1]));
                return "OK";
            }
            case "state" -> {
                return "OK " + zk.getState();
            }
            case "whoami" -> {
                List<String> ids = new ArrayList<>();
                for (ClientInfo c : zk.whoAmI()) {
                    ids.add(c.getAuthScheme() + ":" + c.getUser());
                }
                ids.sort(null);
                return "OK " + String.join(",", ids);
            }
            case "create" -> {
                return "OK " + zk.create(cmd[1], "data".getBytes(StandardCharsets.UTF_8), acl(cmd[2]),
                        CreateMode.PERSISTENT);
            }
            case "get" -> {
                return "OK " + new String(zk.getData(cmd[1], false, null), StandardCharsets.UTF_8);
            }
            case "getacl" -> {
                List<String> acl = new ArrayList<>();
                for (ACL a : zk.getACL(cmd[1], new Stat())) {
                    acl.add(a.getId().getScheme() + ":" + a.getId().getId() + ":" + a.getPerms());
                }
                return "OK " + String.join(",", acl);
            }
            case "exists" -> {
                return "OK " + (zk.exists(cmd[1], false) != null);
            }
            case "addauth" -> {
                zk.addAuthInfo(cmd[1], cmd[2].getBytes(StandardCharsets.UTF_8));
                return "OK";
            }
            case "close" -> {
                boolean gaveUp = zk.getState() == ZooKeeper.States.AUTH_FAILED;
                zk.close();
                // close() returns once the connection is closed; the client's event thread prints the Closed event
                // it queued a moment later. Waiting for it (at most 5 s) keeps the script from exiting first and
                // the transcript from losing the event. A client that gave up after AuthFailed sends none.
                if (!gaveUp) {
                    await(KeeperState.Closed, 1, 5_000);
                }
                return "OK";
            }
            default -> throw new IllegalArgumentException("unknown command " + cmd[0]);
        }
    }

    /** scheme:id:perms[,...]; the id may itself hold colons (a digest id), the perms are after the last one. */
    static List<ACL> acl(String spec) {
        List<ACL> acl = new ArrayList<>();
        for (String entry : spec.split(",")) {
            int first = entry.indexOf(':');
            int last = entry.lastIndexOf(':');
            acl.add(new ACL(Integer.parseInt(entry.substring(last + 1)),
                    new Id(entry.substring(0, first), entry.substring(first + 1, last))));
        }
        return acl;
    }

    private long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private void print(String line) {
        synchronized (out) {
            out.println(PREFIX + line);
            out.flush();
        }
    }
}
