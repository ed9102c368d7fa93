package dev.keeper.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How servers are configured and how the command line is read: pure logic, no process started. */
class SetupTest {
    private static ServerSetup setup(boolean fsync) {
        return new ServerSetup(Path.of("server.jar"), "/zk.jar:/dep.jar", "2g", 2000, fsync, 0, Path.of("lb.xml"));
    }

    @Test
    void bothServers_getTheSameJvmFlags_beforeTheirOwnEntryPoint() {
        ServerSetup s = setup(false);
        Path java = Path.of("/jdk/bin/java");
        Path cfg = Path.of("/run/zoo.cfg");
        List<String> ours = s.command(ServerKind.OURS, java, cfg);
        List<String> zk = s.command(ServerKind.ZOOKEEPER, java, cfg);
        int flags = s.jvmFlags().size();
        assertEquals(ours.subList(0, 1 + flags), zk.subList(0, 1 + flags));
        assertTrue(s.jvmFlags().containsAll(List.of("-Xms2g", "-Xmx2g")));
        // Then each process's own GC log, beside its zoo.cfg, and its entry point.
        assertEquals(List.of("-Xlog:gc:file=/run/gc-ours-%p.log:utctime,uptime",
                "-jar", Path.of("server.jar").toAbsolutePath().toString(), "/run/zoo.cfg"),
                ours.subList(1 + flags, ours.size()));
        assertEquals(List.of("-Xlog:gc:file=/run/gc-zookeeper-%p.log:utctime,uptime",
                "-cp", "/zk.jar:/dep.jar", ServerSetup.ZOOKEEPER_MAIN, "/run/zoo.cfg"),
                zk.subList(1 + flags, zk.size()));
    }

    @Test
    void zooCfg_followsTheFsyncSwitch_andAllowsUnlimitedConnections() {
        String off = setup(false).zooCfg(12345, Path.of("/data"));
        assertTrue(off.contains("\nforceSync=no\n"), off);
        assertTrue(off.contains("\nclientPort=12345\n"));
        assertTrue(off.contains("\nclientPortAddress=127.0.0.1\n"));
        assertTrue(off.contains("\nmaxClientCnxns=0\n"));
        assertTrue(off.contains("\ntickTime=2000\n"));
        assertTrue(setup(true).zooCfg(1, Path.of("/data")).contains("\nforceSync=yes\n"));
        assertTrue(setup(true).jvmFlags().contains("-Dzookeeper.forceSync=yes"));
    }

    @Test
    void snapCount_isLeftToTheServersUnlessSet_andThenGivenToBothWays() {
        assertTrue(!setup(true).zooCfg(1, Path.of("/d")).contains("snapCount"));
        assertTrue(setup(true).jvmFlags().stream().noneMatch(f -> f.contains("snapCount")));
        ServerSetup small = setup(true).withSnapCount(20_000);
        assertTrue(small.zooCfg(1, Path.of("/d")).contains("\nsnapCount=20000\n"));
        assertTrue(small.jvmFlags().contains("-Dzookeeper.snapCount=20000"));
        assertTrue(small.fsync());
        assertTrue(!setup(true).withFsync(false).fsync());
    }

    @Test
    void persistenceLogging_raisesOnlyTheSnapshotAndRecoveryLoggers() {
        String quiet = ServerSetup.logbackXml(false);
        String loud = ServerSetup.logbackXml(true);
        assertTrue(quiet.contains("<root level=\"WARN\">"));
        assertTrue(!quiet.contains("level=\"INFO\""));
        assertTrue(loud.contains("<root level=\"WARN\">"));
        assertTrue(loud.contains("<logger name=\"dev.keeper.server.persist\" level=\"INFO\"/>"));
        assertTrue(loud.contains("<logger name=\"org.apache.zookeeper.server.persistence\" level=\"INFO\"/>"));
        assertTrue(loud.contains("<logger name=\"org.apache.zookeeper.server.ZooKeeperServer\" level=\"INFO\"/>"));
    }

    @Test
    void heapInfo_usedFigure_isReadInBytes() {
        String g1 = """
                12345:
                 garbage-first heap   total 262144K, used 5300K [0x00000000f0000000, 0x0000000100000000)
                  region size 1024K, 3 young (3072K), 2 survivors (2048K)
                 Metaspace       used 8951K, committed 9152K, reserved 1114112K
                """;
        assertEquals(5300L * 1024, HeapProbe.parseUsedBytes(g1));
        assertThrows(IllegalArgumentException.class, () -> HeapProbe.parseUsedBytes("no heap here"));
    }

    @Test
    void wchs_totalWatches_isRead() {
        assertEquals(100_000, MemoryBench.watchesReported("4 connections watching 100000 paths\nTotal watches:100000\n"));
        assertEquals(-1, MemoryBench.watchesReported("wchs is not executed because it is not in the whitelist."));
        assertEquals(-1, MemoryBench.watchesReported(null));
    }

    @Test
    void options_quick_isSmallerThanTheFullRun() {
        Options full = Options.parse();
        Options quick = Options.parse("--quick");
        assertEquals(List.of(1, 8, 32), full.sessionCounts());
        assertEquals(1_000_000, full.memoryZnodes());
        assertEquals(100_000, full.memoryWatches());
        assertEquals(10_000, full.fanOutSessions());
        assertTrue(quick.measureMillis() < full.measureMillis());
        assertTrue(quick.memoryZnodes() < full.memoryZnodes());
        assertTrue(!full.fsync() && !quick.fsync());
        assertEquals(1_000_000, full.bigZnodes());
        assertTrue(quick.bigZnodes() < full.bigZnodes());
        assertTrue(quick.snapshots() <= full.snapshots());
        assertEquals(java.util.EnumSet.allOf(Options.Phase.class), full.phases());
    }

    @Test
    void options_durabilityParts_canBePickedAlone() {
        Options o = Options.parse("--only=durable,snapshot,startup", "--big-znodes=2000", "--snap-count=500",
                "--snapshots=2", "--snapshot-rate=300", "--startup-repeats=5");
        assertEquals(java.util.EnumSet.of(Options.Phase.DURABLE, Options.Phase.SNAPSHOT, Options.Phase.STARTUP),
                o.phases());
        assertEquals(2000, o.bigZnodes());
        assertEquals(500, o.snapCount());
        assertEquals(2, o.snapshots());
        assertEquals(300, o.snapshotRate());
        assertEquals(5, o.startupRepeats());
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--snap-count=2"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--only=durability"));
    }

    @Test
    void options_readsSwitchesAndLists() {
        Options o = Options.parse("--fsync=on", "--ops=getData,create", "--sessions=2,4", "--only=memory,fanout",
                "--znodes=1_000", "--watches=100");
        assertTrue(o.fsync());
        assertEquals(List.of(Op.GET_DATA, Op.CREATE), o.ops());
        assertEquals(List.of(2, 4), o.sessionCounts());
        assertEquals(java.util.EnumSet.of(Options.Phase.MEMORY, Options.Phase.FANOUT), o.phases());
        assertEquals(1000, o.memoryZnodes());
    }

    @Test
    void options_rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--fsync=maybe"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--repeats=0"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--bogus=1"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("quick"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--znodes=10", "--watches=20"));
    }
}
