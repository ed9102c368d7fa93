package dev.keeper.compat.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.RawClient;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.testing.LogCapture;
import java.util.List;

/**
 * The real ZooKeeper and ours, configured alike, and the one way the bad-input tests use them: the same script
 * runs against each on its own raw connection, with a {@link Bystander} session beside it. ZooKeeper's
 * observations are checked against what the test states (so each test documents ZooKeeper's behaviour
 * exactly), and ours against ZooKeeper's.
 */
final class ServerPair implements AutoCloseable {
    /** What a test does on its raw connection; returns what it saw, in words both servers can be compared by. */
    interface Script {
        List<String> run(RawClient c, Bystander b) throws Exception;
    }

    /** One server's run of a script: what it saw, and how our log would name the connection. */
    record Run(List<String> seen, int clientPort, long sessionId) {
    }

    final Servers.Handle zookeeper;
    final Servers.Handle ours;
    final LogCapture log;

    private ServerPair(Servers.Handle zookeeper, Servers.Handle ours) {
        this.zookeeper = zookeeper;
        this.ours = ours;
        this.log = new LogCapture();
    }

    static ServerPair start(Servers.Settings s) {
        return start(s, Servers.oursConfig(s));
    }

    /**
     * Starts ZooKeeper with {@code s}, and ours from {@code ours} (for settings only ours has: start from
     * {@link Servers#oursConfig(Servers.Settings)}).
     */
    static ServerPair start(Servers.Settings s, ServerConfig.Builder ours) {
        Servers.Handle zk = Servers.zookeeper(s);
        try {
            return new ServerPair(zk, Servers.ours(ours));
        } catch (RuntimeException e) {
            zk.close();
            throw e;
        }
    }

    /**
     * Runs {@code script} against ZooKeeper, asserts it saw {@code expected}, then against ours, and asserts ours
     * saw the same. Returns our run, for the log check.
     */
    Run expect(List<String> expected, Script script) throws Exception {
        return expect(expected, 0, script);
    }

    /** As {@link #expect(List, Script)}, the raw socket's receive buffer shrunk when positive. */
    Run expect(List<String> expected, int receiveBuffer, Script script) throws Exception {
        Run zk = run(zookeeper, script, receiveBuffer);
        assertEquals(expected, zk.seen(), "ZooKeeper's behaviour");
        Run mine = run(ours, script, receiveBuffer);
        assertEquals(zk.seen(), mine.seen(), "ours behaves as ZooKeeper does");
        return mine;
    }

    /** Runs {@code script} on a fresh raw connection to {@code h}, a bystander beside it. */
    static Run run(Servers.Handle h, Script script) throws Exception {
        return run(h, script, 0);
    }

    /** As {@link #run(Servers.Handle, Script)}, the raw socket's receive buffer shrunk when positive. */
    static Run run(Servers.Handle h, Script script, int receiveBuffer) throws Exception {
        try (Bystander b = Bystander.join(h); RawClient c = RawClient.connect(h.port(), receiveBuffer)) {
            List<String> seen = script.run(c, b);
            b.assertUnharmed();
            return new Run(seen, c.localPort(), c.sessionId());
        }
    }

    @Override
    public void close() {
        log.close();
        try {
            ours.close();
        } finally {
            zookeeper.close();
        }
    }
}
