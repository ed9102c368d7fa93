package dev.keeper.compat.cclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keeper.compat.Servers;
import dev.keeper.compat.ops.Subprocess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ZooKeeper C client (Debian's libzookeeper-mt 3.8.0 and its cli_mt shell) against our server, unchanged.
 * Each check runs against the real ZooKeeper too and must print the same transcript there, which shows the
 * expectations are ZooKeeper's own.
 *
 * <p>The walkthrough is src/test/c/c_client_walkthrough.c, compiled here with gcc against -lzookeeper_mt. The C
 * library, its headers, cli_mt and gcc are Debian packages: without them these tests fail, never skip, since a
 * compatibility claim that was not checked must not look like a pass.
 */
class CClientTest {
    private static final String INSTALL = "apt-get install -y gcc libzookeeper-mt-dev zookeeper-bin"
            + " (bin/test.sh installs them when missing)";
    private static final Path SOURCE = Subprocess.REPO.resolve("compat-tests/src/test/c/c_client_walkthrough.c");
    private static final Path BINARY = Subprocess.REPO.resolve("compat-tests/target/c-client/c_client_walkthrough");
    private static final Duration COMPILE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

    /**
     * What the walkthrough prints. Zxids are relative to the czxid of /cclient: each failed write (the second
     * create of /cclient, the create under a missing parent, the failed multi, ...) takes one, as in ZooKeeper.
     */
    private static final String WALKTHROUGH = """
            session A: SESSION CONNECTED, timeout 10000 ms
            session B: SESSION CONNECTED, timeout 10000 ms
            sessions A and B differ: yes
            create /cclient (persistent): ZOK /cclient
            exists /cclient: ZOK version=0 cversion=0 aversion=0 dataLength=4 numChildren=0 ephemeralOwner=none\
             czxid=+0 mzxid=+0 pzxid=+0
            create /cclient again: ZNODEEXISTS
            create /cclient/no/child (no parent): ZNONODE
            get /cclient/none: ZNONODE
            create2 /cclient/data "v0": ZOK /cclient/data version=0 cversion=0 aversion=0 dataLength=2 numChildren=0\
             ephemeralOwner=none czxid=+3 mzxid=+3 pzxid=+3
            create /cclient/seq- (persistent sequential): ZOK /cclient/seq-0000000001
            create /cclient/seq- (persistent sequential): ZOK /cclient/seq-0000000002
            B create /cclient/eph (ephemeral): ZOK /cclient/eph
            B create /cclient/eseq- (ephemeral sequential): ZOK /cclient/eseq-0000000004
            exists /cclient/eph: ZOK version=0 cversion=0 aversion=0 dataLength=1 numChildren=0 ephemeralOwner=B\
             czxid=+6 mzxid=+6 pzxid=+6
            create /cclient/eph/child (under an ephemeral): ZNOCHILDRENFOREPHEMERALS
            A wget /cclient/data: ZOK "v0" version=0 cversion=0 aversion=0 dataLength=2 numChildren=0\
             ephemeralOwner=none czxid=+3 mzxid=+3 pzxid=+3
            B set /cclient/data "v1" version 0: ZOK
            A event: CHANGED /cclient/data (data watch)
            A get /cclient/data: ZOK "v1" version=1 cversion=0 aversion=0 dataLength=2 numChildren=0\
             ephemeralOwner=none czxid=+3 mzxid=+9 pzxid=+3
            A wget_children /cclient: ZOK [data, eph, eseq-0000000004, seq-0000000001, seq-0000000002]
            B create /cclient/kid: ZOK /cclient/kid
            A event: CHILD /cclient (child watch)
            A wexists /cclient/later: ZNONODE
            B create /cclient/later: ZOK /cclient/later
            A event: CREATED /cclient/later (exists watch)
            multi [create /cclient/m1, set /cclient/data version 1]: ZOK
              op 1 create: ZOK /cclient/m1
              op 2 set: ZOK version=2 cversion=0 aversion=0 dataLength=2 numChildren=0 ephemeralOwner=none czxid=+3\
             mzxid=+12 pzxid=+3
            multi [create /cclient/m2, check /cclient/data version 7, set /cclient/data]: ZBADVERSION
              op 1 create: ZOK
              op 2 check: ZBADVERSION
              op 3 set: ZRUNTIMEINCONSISTENCY
            exists /cclient/m2 (rolled back): ZNONODE
            get /cclient/data: ZOK "v2" version=2 cversion=0 aversion=0 dataLength=2 numChildren=0\
             ephemeralOwner=none czxid=+3 mzxid=+12 pzxid=+3
            get_acl /cclient: ZOK [world:anyone perms=31] aversion=0
            create /cclient/ro (read-only ACL): ZOK /cclient/ro
            get_acl /cclient/ro: ZOK [world:anyone perms=1]
            set /cclient/ro: ZNOAUTH
            A add_auth digest keeper:secret: ZOK
            A create /cclient/private (creator-all ACL): ZOK /cclient/private
            get_acl /cclient/private: ZOK [digest:keeper:fVdK2HwI35pFaNBBBjXpQ3fU3iQ= perms=31]
            A get /cclient/private: ZOK "p"
            B get /cclient/private: ZNOAUTH
            delete /cclient/data version 7: ZBADVERSION
            delete /cclient (has children): ZNOTEMPTY
            delete /cclient/data version 2: ZOK
            delete /cclient/data again: ZNONODE
            A wexists /cclient/eph: ZOK ephemeralOwner=B
            B events not consumed: 0
            close B: ZOK
            A event: DELETED /cclient/eph (exists watch)
            exists /cclient/eph: ZNONODE
            exists the ephemeral sequential node: ZNONODE
            exists /cclient: ZOK version=0 cversion=13 aversion=0 dataLength=4 numChildren=7 ephemeralOwner=none\
             czxid=+0 mzxid=+0 pzxid=+21
            get_children /cclient: ZOK [kid, later, m1, private, ro, seq-0000000001, seq-0000000002]
            delete /cclient and its children: ZOK
            A events not consumed: 0
            close A: ZOK
            done
            """;

    /** A line sent to cli_mt (none for the connection) and the stderr lines it answers with, normalised. */
    private record Exchange(String command, String output) {
    }

    /**
     * A cli_mt session. Its get and ls leave watches (cli_mt passes watch=1), which fire on the later set and
     * deletes before those commands' own results, as ZooKeeper sends a notification before the reply of the
     * write that triggered it. Zxids are relative to the czxid of /cli.
     */
    private static final List<Exchange> CLI_SESSION = List.of(
            new Exchange(null, """
                    Watcher SESSION_EVENT state = CONNECTED_STATE
                    Got a new session id: <session>
                    """),
            new Exchange("create /cli", """
                    Creating [/cli] node (mode: 0)
                    [/cli]: rc = 0
                    \tname = /cli
                    """),
            new Exchange("create /cli", """
                    Creating [/cli] node (mode: 0)
                    [/cli]: rc = -110
                    """),
            new Exchange("create +s /cli/item-", """
                    Creating [/cli/item-] node (mode: 2)
                    [/cli/item-]: rc = 0
                    \tname = /cli/item-0000000000
                    """),
            new Exchange("get /cli", """
                    time = <ms> msec
                    /cli: rc = 0
                     value_len = 3
                    new
                    Stat:
                    \tctime = <time>
                    \tczxid=+0
                    \tmtime=<time>
                    \tmzxid=+0
                    \tversion=0\taversion=0
                    \tephemeralOwner = 0
                    """),
            new Exchange("ls /cli", """
                    time = <ms> msec
                    /cli: rc = 0
                    \titem-0000000000
                    time = <ms> msec
                    """),
            new Exchange("set /cli hello", """
                    Watcher CHANGED_EVENT state = CONNECTED_STATE for path /cli
                    /cli: rc = 0 Stat:
                    \tctime = <time>
                    \tczxid=+0
                    \tmtime=<time>
                    \tmzxid=+3
                    \tversion=1\taversion=0
                    \tephemeralOwner = 0
                    """),
            new Exchange("get /cli", """
                    time = <ms> msec
                    /cli: rc = 0
                     value_len = 5
                    hello
                    Stat:
                    \tctime = <time>
                    \tczxid=+0
                    \tmtime=<time>
                    \tmzxid=+3
                    \tversion=1\taversion=0
                    \tephemeralOwner = 0
                    """),
            new Exchange("delete /cli", """
                    /cli: rc = -111
                    """),
            new Exchange("delete /cli/item-0000000000", """
                    Watcher CHILD_EVENT state = CONNECTED_STATE for path /cli
                    /cli/item-0000000000: rc = 0
                    """),
            new Exchange("delete /cli", """
                    Watcher DELETED_EVENT state = CONNECTED_STATE for path /cli
                    /cli: rc = 0
                    """),
            new Exchange("get /cli", """
                    time = <ms> msec
                    /cli: rc = -101

                    Stat:
                    null
                    """),
            new Exchange("quit", """
                    Quitting...
                    """));

    private static final Pattern ZXID = Pattern.compile("(czxid|mzxid)=([0-9a-f]+)");

    private static Servers.Handle ours;
    private static Servers.Handle zookeeper;

    @BeforeAll
    static void compileAndStartServers() {
        requireTools();
        compileWalkthrough();
        ours = Servers.ours();
        zookeeper = Servers.zookeeper();
    }

    @AfterAll
    static void stopServers() {
        if (ours != null) {
            ours.close();
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
    }

    @Test
    void walkthrough_printsZooKeepersTranscript_onTheRealZooKeeper() {
        runWalkthrough(zookeeper);
    }

    @Test
    void walkthrough_printsTheSameTranscript_onOurServer() {
        runWalkthrough(ours);
    }

    @Test
    void cliMtSession_createGetLsSetDelete_onTheRealZooKeeper() throws Exception {
        runCliSession(zookeeper);
    }

    @Test
    void cliMtSession_createGetLsSetDelete_printsTheSame_onOurServer() throws Exception {
        runCliSession(ours);
    }

    private static void runWalkthrough(Servers.Handle server) {
        Subprocess.Result r = Subprocess.run(RUN_TIMEOUT, Map.of(),
                List.of(BINARY.toString(), server.connectString()));
        assertEquals(WALKTHROUGH, r.stdout(), "the C client against " + server.name() + "\n" + r.describe());
        assertEquals(0, r.exitCode(), r.describe());
    }

    private static void runCliSession(Servers.Handle server) throws IOException, InterruptedException {
        StringBuilder expected = new StringBuilder();
        List<String> printed = new ArrayList<>();
        try (CliSession cli = CliSession.start(server.connectString())) {
            for (Exchange exchange : CLI_SESSION) {
                expected.append(exchange.output());
                if (exchange.command() != null) {
                    cli.send(exchange.command());
                }
                printed.addAll(cli.nextLines(exchange.output().split("\n", -1).length - 1, STEP_TIMEOUT));
            }
            int exit = cli.awaitExit(STEP_TIMEOUT);
            printed.addAll(cli.remainingLines());
            String transcript = normaliseCli(printed);
            assertEquals(expected.toString(), transcript, "cli_mt against " + server.name() + "\n" + cli.output());
            assertEquals(0, exit, "cli_mt's exit code against " + server.name() + "\n" + cli.output());
        }
    }

    /**
     * Takes out of cli_mt's output what differs from run to run: timings, dates, the session id, and absolute
     * zxids (made relative to the first czxid printed).
     */
    private static String normaliseCli(List<String> lines) {
        StringBuilder out = new StringBuilder();
        Long base = null;
        for (String line : lines) {
            String l = line.replaceAll("^time = \\d+ msec$", "time = <ms> msec")
                    .replaceAll("^Got a new session id: 0x[0-9a-f]+$", "Got a new session id: <session>")
                    .replaceAll("^\\tctime = .*$", "\tctime = <time>")
                    .replaceAll("^\\tmtime=.*$", "\tmtime=<time>");
            Matcher m = ZXID.matcher(l);
            if (m.find()) {
                long zxid = Long.parseLong(m.group(2), 16);
                if (base == null) {
                    base = zxid;
                }
                l = m.replaceFirst(m.group(1) + "=+" + (zxid - base));
            }
            out.append(l).append('\n');
        }
        return out.toString();
    }

    private static void requireTools() {
        Subprocess.Result gcc;
        try {
            gcc = Subprocess.run(Duration.ofMinutes(1), Map.of(), List.of("gcc", "--version"));
        } catch (AssertionError e) {
            throw new AssertionError("gcc is needed to build the C client test: " + INSTALL, e);
        }
        if (gcc.exitCode() != 0) {
            fail("gcc is needed to build the C client test: " + INSTALL + "\n" + gcc.describe());
        }
        if (!Files.isRegularFile(Path.of("/usr/include/zookeeper/zookeeper.h"))) {
            fail("the ZooKeeper C client's headers (/usr/include/zookeeper) are missing: " + INSTALL);
        }
        if (!Files.isExecutable(CliSession.CLI_MT)) {
            fail(CliSession.CLI_MT + " (the C client's shell) is missing: " + INSTALL);
        }
    }

    private static void compileWalkthrough() {
        try {
            Files.createDirectories(BINARY.getParent());
        } catch (IOException e) {
            throw new AssertionError("cannot create " + BINARY.getParent(), e);
        }
        // THREADED selects the synchronous API of the multithreaded library (zookeeper.h).
        Subprocess.Result r = Subprocess.run(COMPILE_TIMEOUT, Map.of(), List.of("gcc", "-std=c11", "-Wall",
                "-Wextra", "-DTHREADED", "-o", BINARY.toString(), SOURCE.toString(), "-lzookeeper_mt"));
        if (r.exitCode() != 0) {
            fail("gcc could not build the C client test against -lzookeeper_mt. " + INSTALL + "\n" + r.describe());
        }
    }
}
