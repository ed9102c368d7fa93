package dev.keeper.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers in zoo.cfg and in ZooKeeper's system properties: an int key given a value outside the int range is
 * refused at start-up, naming the key, never silently truncated ({@code 4294967296} once became 0).
 */
class ZooCfgTest {
    @TempDir
    Path tmp;

    private static ServerConfig parse(Map<String, String> cfg, Properties sys) {
        return ZooCfg.parse(cfg, sys, Path.of("/base"));
    }

    @Test
    void intKeysBeyondTheIntRange_areRefused_namingTheKey() {
        Map<String, String> tooBig = Map.of(
                "jute.maxbuffer", "4294967296",
                "snapCount", "3000000000",
                "tickTime", "-3000000000",
                "maxClientCnxns", "2147483648",
                "autopurge.purgeInterval", "9223372036854775807");
        tooBig.forEach((key, value) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> parse(Map.of(key, value), new Properties()), key);
            assertEquals(key + " must be a number from -2147483648 to 2147483647, got '" + value + "'",
                    e.getMessage());
        });
    }

    @Test
    void systemPropertiesBeyondTheIntRange_areRefusedToo() {
        Properties sys = new Properties();
        sys.setProperty("zookeeper.snapCount", "3000000000");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), sys));
        assertEquals("zookeeper.snapCount must be a number from -2147483648 to 2147483647, got '3000000000'",
                e.getMessage());
        Properties jute = new Properties();
        jute.setProperty("jute.maxbuffer", "4294967296");
        e = assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), jute));
        assertEquals("jute.maxbuffer must be a number from -2147483648 to 2147483647, got '4294967296'",
                e.getMessage());
    }

    @Test
    void valuesThatFit_areTakenAsGiven_andLongKeysTakeLongs() {
        ServerConfig c = parse(Map.of("jute.maxbuffer", "2147483647", "snapCount", "4194304",
                "maxClientOutboundBytes", "4294967296"), new Properties());
        assertEquals(Integer.MAX_VALUE, c.juteMaxBuffer());
        assertEquals(4_194_304, c.snapCount());
        assertEquals(4_294_967_296L, c.maxClientOutboundBytes());
    }

    @Test
    void loadingAFileWithAnOversizedValue_failsNamingTheKey() throws IOException {
        Path cfg = tmp.resolve("zoo.cfg");
        Files.writeString(cfg, "dataDir=" + tmp.resolve("data") + "\nclientPort=2181\njute.maxbuffer=4294967296\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ZooCfg.load(cfg));
        assertEquals("jute.maxbuffer must be a number from -2147483648 to 2147483647, got '4294967296'",
                e.getMessage());
    }

    @Test
    void adminServer_isOnPort8080UnlessZooCfgSaysOtherwise() {
        assertEquals(3000, parse(Map.of(), new Properties()).tickTime(), "ZooKeeperServer.DEFAULT_TICK_TIME");
        AdminConfig dflt = parse(Map.of(), new Properties()).admin();
        assertTrue(dflt.enabled());
        assertEquals("0.0.0.0", dflt.address());
        assertEquals(8080, dflt.port());
        assertEquals("/commands", dflt.commandUrl());
        assertEquals(30_000, dflt.idleTimeoutMs());
        Properties sys = new Properties();
        sys.setProperty("zookeeper.admin.enableServer", "false");
        sys.setProperty("zookeeper.admin.serverPort", "9000");
        assertFalse(parse(Map.of(), sys).admin().enabled(), "the system property, as ZooKeeper reads it");
        AdminConfig cfg = parse(Map.of("admin.enableServer", "true", "admin.serverAddress", "127.0.0.1",
                "admin.commandURL", "/cmds", "admin.idleTimeout", "500"), sys).admin();
        assertTrue(cfg.enabled(), "zoo.cfg's key wins over the system property");
        assertEquals(9000, cfg.port());
        assertEquals("127.0.0.1", cfg.address());
        assertEquals("/cmds", cfg.commandUrl());
        assertEquals(500, cfg.idleTimeoutMs());
        assertFalse(ServerConfig.builder().build().admin().enabled(), "a config built in code has none");
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of("admin.serverPort", "http"),
                new Properties()));
    }
}
