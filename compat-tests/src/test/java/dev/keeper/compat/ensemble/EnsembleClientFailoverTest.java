package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keeper.compat.ops.Subprocess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kazoo and the ZooKeeper C client through the crash of the member they are connected to, on our three-member
 * ensemble and on ZooKeeper 3.9.5's (each scenario runs against both, which shows the transcripts are ZooKeeper's
 * own). Each client connects with every member in its connect string, writes, leaves an ephemeral and a watch,
 * kills (SIGKILL) the member it is connected to, and must come back on another member in the same session with its
 * write, its ephemeral and its watch, which fires when another client changes the node.
 *
 * <p>The clients kill the member themselves (they are given each client port's process id), so the crash comes
 * while they are connected to it and they know which one it was. The scripts are
 * src/test/python/ensemble_failover.py (Debian's Kazoo 2.8 on /usr/bin/python3) and src/test/c/c_client_failover.c
 * (compiled here against Debian's libzookeeper-mt 3.8.0). Without them these tests fail, never skip: a
 * compatibility claim that was not checked must not look like a pass.
 */
class EnsembleClientFailoverTest {
    private static final String PYTHON = Kazoo.PYTHON;
    private static final String C_INSTALL = "apt-get install -y gcc libzookeeper-mt-dev (bin/test.sh installs them"
            + " when missing)";
    private static final Path KAZOO_SCRIPT = Path.of("compat-tests/src/test/python/ensemble_failover.py");
    private static final Path C_SOURCE = Subprocess.REPO.resolve("compat-tests/src/test/c/c_client_failover.c");
    private static final Path C_BINARY = Subprocess.REPO.resolve("compat-tests/target/c-client/c_client_failover");
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    /**
     * What ensemble_failover.py prints. Kazoo 2.8 keeps no one-shot watch across a disconnection (it calls it with a
     * NONE event and forgets it, and sends no SetWatches when it reconnects), on ZooKeeper as on ours; its DataWatch
     * recipe re-reads on reconnection, so it is the watch that sees the change.
     */
    private static final String KAZOO_TRANSCRIPT = """
            connected: CONNECTED
            create /kazoo-failover/data "v1": ok
            create /kazoo-failover/eph (ephemeral): ok
            DataWatch /kazoo-failover/watched: (b'v1', 0)
            get /kazoo-failover/raw with a one-shot watch: ok
            killed the member it was connected to
            one-shot watch on /kazoo-failover/raw at the disconnection: NONE CONNECTING
            after the kill: SUSPENDED, then CONNECTED again
            connected to another member: yes
            same session: yes
            get /kazoo-failover/data: b'v1'
            exists /kazoo-failover/eph: owned by this session
            another client sets /kazoo-failover/raw and /kazoo-failover/watched to "v2"
            DataWatch /kazoo-failover/watched: (b'v2', 1)
            one-shot watch on /kazoo-failover/raw after the change: not fired again
            the closed session's ephemeral: gone
            done
            """;

    /** What c_client_failover prints: the C library re-registers its watches on the new member (SetWatches). */
    private static final String C_TRANSCRIPT = """
            connected: yes
            create /c-failover: ok
            create /c-failover/data "v1": ok
            create /c-failover/eph (ephemeral): ok
            create /c-failover/watched "v1": ok
            get /c-failover/watched with a data watch: ok
            killed the member it was connected to
            after the kill: disconnected, then connected again
            connected to another member: yes
            same session: yes
            get /c-failover/data: "v1"
            exists /c-failover/eph: owned by this session
            another client sets /c-failover/watched "v2": ok
            the watch set before the kill: CHANGED /c-failover/watched
            close: ok
            another client syncs /c-failover: ok
            the closed session's ephemeral: gone
            delete /c-failover: ok
            done
            """;

    @RegisterExtension
    static final Ensembles ENSEMBLES = new Ensembles();

    @BeforeAll
    static void requireClients() {
        Kazoo.require();
        compileCClient();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void kazoo_reconnectsToAnotherMemberWhenItsMemberIsKilled_withItsWriteEphemeralAndDataWatch(
            EnsembleUnderTest.Server server) throws Exception {
        EnsembleUnderTest ensemble = ENSEMBLES.ready(server);
        Subprocess.Result r = Subprocess.run(RUN_TIMEOUT, Map.of("PYTHONDONTWRITEBYTECODE", "1"),
                List.of(PYTHON, KAZOO_SCRIPT.toString(), ensemble.connectString(), pids(ensemble)));
        assertTranscript(KAZOO_TRANSCRIPT, r, "Kazoo", ensemble);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void cClient_reconnectsToAnotherMemberWhenItsMemberIsKilled_withItsWriteEphemeralAndWatch(
            EnsembleUnderTest.Server server) throws Exception {
        EnsembleUnderTest ensemble = ENSEMBLES.ready(server);
        Subprocess.Result r = Subprocess.run(RUN_TIMEOUT, Map.of(),
                List.of(C_BINARY.toString(), ensemble.connectString(), pids(ensemble)));
        assertTranscript(C_TRANSCRIPT, r, "the C client", ensemble);
    }

    /** The transcript, the exit code, and that exactly one member was killed (by the client). */
    private static void assertTranscript(String expected, Subprocess.Result r, String client,
            EnsembleUnderTest ensemble) {
        String where = client + " against " + ensemble + "\n" + r.describe();
        assertEquals(expected, r.stdout(), where + "\n" + ensemble.logs());
        assertEquals(0, r.exitCode(), where);
        long down = IntStream.rangeClosed(1, ensemble.size()).filter(id -> !ensemble.isRunning(id)).count();
        assertEquals(1, down, "the client killed one member: " + where);
    }

    /** Each member's client port and process id: PORT=PID,... */
    private static String pids(EnsembleUnderTest ensemble) {
        return IntStream.rangeClosed(1, ensemble.size())
                .mapToObj(id -> ensemble.clientPort(id) + "=" + ensemble.pid(id))
                .collect(Collectors.joining(","));
    }


    private static void compileCClient() {
        if (!Files.isRegularFile(Path.of("/usr/include/zookeeper/zookeeper.h"))) {
            fail("the ZooKeeper C client's headers (/usr/include/zookeeper) are missing: " + C_INSTALL);
        }
        try {
            Files.createDirectories(C_BINARY.getParent());
        } catch (IOException e) {
            throw new AssertionError("cannot create " + C_BINARY.getParent(), e);
        }
        Subprocess.Result r;
        try {
            // THREADED selects the synchronous API of the multithreaded library (zookeeper.h).
            r = Subprocess.run(Duration.ofMinutes(2), Map.of(), List.of("gcc", "-std=c11", "-Wall", "-Wextra",
                    "-DTHREADED", "-o", C_BINARY.toString(), C_SOURCE.toString(), "-lzookeeper_mt"));
        } catch (AssertionError e) {
            throw new AssertionError("gcc is needed to build the C client test: " + C_INSTALL, e);
        }
        if (r.exitCode() != 0) {
            fail("gcc could not build the C client test against -lzookeeper_mt. " + C_INSTALL + "\n"
                    + r.describe());
        }
    }
}
