package dev.keeper.compat.diff;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.FourLetterWord;
import dev.keeper.compat.support.LoopbackProxy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * One run of a scenario against one server: the clients it opens, what they record, and the zxid its offsets
 * count from. Everything opened here is closed by {@link #finish}.
 */
final class Env {
    /** Where the lines go that say how a server's session ids break ZooKeeper's rules. */
    static final String SESSION_IDS = "session ids";

    private final Servers.Handle server;
    private final CreatedSessions.StartWindow serverStarted;
    private final String name;
    private final Recorder rec = new Recorder();
    private final List<Long> sessions = new ArrayList<>();
    private final CreatedSessions created = new CreatedSessions();
    private final List<Client> clients = new ArrayList<>();
    private final List<AutoCloseable> others = new ArrayList<>();
    private final long started = System.currentTimeMillis();
    private long baseZxid;
    private List<String> sessionViolations = List.of();

    /** A run against {@code server}, which was started within {@code serverStarted}. */
    Env(Servers.Handle server, CreatedSessions.StartWindow serverStarted, String name) {
        this.server = server;
        this.serverStarted = serverStarted;
        this.name = name;
    }

    Servers.Handle server() {
        return server;
    }

    /** A stock client connected to the server; its session is named in the order clients connect. */
    Client client(String channel) throws Exception {
        return client(channel, server.connectString());
    }

    /** A stock client connected through {@code connectString}, e.g. a {@link LoopbackProxy}'s. */
    Client client(String channel, String connectString) throws Exception {
        return client(channel, connectString, Client.SESSION_TIMEOUT_MS);
    }

    /** A stock client asking for a session timeout of its own. */
    Client client(String channel, String connectString, int sessionTimeoutMs) throws Exception {
        Client c = new Client(channel, connectString, sessionTimeoutMs, rec);
        clients.add(c);
        sessions.add(c.sessionId());
        created.add(channel, c.sessionId(), c.zk().getSessionPasswd());
        return c;
    }

    /** A loopback relay to the server that a scenario can cut and restore. */
    LoopbackProxy proxy() throws IOException {
        LoopbackProxy p = new LoopbackProxy(server.port());
        others.add(p);
        return p;
    }

    /** A raw socket speaking Jute records to the server, recording into {@code channel}. */
    RawChannel raw(String channel) throws IOException {
        RawChannel r = new RawChannel(channel, server.port(), rec, created);
        others.add(r);
        return r;
    }

    /** A started, connected Curator client; its session is named like a client's. */
    CuratorFramework curator() throws Exception {
        CuratorFramework cf = CuratorFrameworkFactory.newClient(server.connectString(), Client.SESSION_TIMEOUT_MS,
                10_000, new RetryOneTime(100));
        others.add(cf);
        cf.start();
        if (!cf.blockUntilConnected(10, TimeUnit.SECONDS)) {
            throw new AssertionError("Curator did not connect");
        }
        ZooKeeper zk = cf.getZookeeperClient().getZooKeeper();
        sessions.add(zk.getSessionId());
        created.add("curator", zk.getSessionId(), zk.getSessionPasswd());
        return cf;
    }

    /**
     * Creates the scenario's own node, "/" + the scenario's name, with create2 through {@code c}, and counts
     * zxids from its czxid: on a server shared by several scenarios, what came before must not leak in.
     */
    String prefix(Client c) throws Exception {
        String path = "/" + name;
        Stat stat = new Stat();
        c.zk().create(path, new byte[0], org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                stat);
        baseZxid = stat.getCzxid();
        rec.record(c.name(), "prefix ", path, " created at z+0");
        return path;
    }

    /** After {@link #finish}: how the ids and passwords of the sessions created broke ZooKeeper's rules. */
    List<String> sessionViolations() {
        return sessionViolations;
    }

    /** Records a line of the scenario's own (a four-letter word's answer, a Curator result). */
    void note(String channel, Object... parts) {
        rec.record(channel, parts);
    }

    /**
     * A four-letter word's answer once it has stopped changing: ZooKeeper drops a closed connection's watches
     * on its I/O thread a moment after the close is answered, so an answer read at once would race that.
     * Reads until three answers 100 ms apart agree (at most 5 s), and returns the last.
     */
    String settledFourLetterWord(String word) throws IOException, InterruptedException {
        String last = fourLetterWord(word);
        int same = 1;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (same < 3 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            String now = fourLetterWord(word);
            same = now.equals(last) ? same + 1 : 1;
            last = now;
        }
        return last;
    }

    /** A four-letter word's answer, lines joined with " | ". */
    String fourLetterWord(String word) throws IOException {
        return FourLetterWord.ask(server.port(), word).strip().replace("\n", " | ");
    }

    /**
     * Ends the run: a barrier round trip on every client still open (so every event the server sent them is
     * recorded), the sessions created checked against ZooKeeper's rules for ids and passwords (each broken rule
     * a line in the channel {@value #SESSION_IDS}, so it shows in the diff), then the transcript is sealed and
     * everything closed.
     */
    Transcript finish(Throwable aborted) {
        if (aborted != null) {
            rec.record("scenario", "!! aborted: ", aborted.toString());
        }
        for (Client c : clients) {
            if (c.zk().getState().isAlive()) {
                try {
                    c.barrier();
                } catch (Throwable t) {
                    rec.record(c.name(), "!! barrier failed: ", t.toString());
                }
            }
        }
        sessionViolations = created.violations(serverStarted);
        sessionViolations.forEach(v -> rec.record(SESSION_IDS, "!! ", v));
        rec.seal();
        for (Client c : clients) {
            try {
                c.close();
            } catch (Throwable ignored) {
                // closing is best effort; the transcript is already sealed
            }
        }
        for (AutoCloseable o : others) {
            try {
                o.close();
            } catch (Throwable ignored) {
                // as above
            }
        }
        return rec.transcript(new Normaliser(baseZxid, sessions, started, System.currentTimeMillis()));
    }
}
