package dev.keeper.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The members on disk as ZooKeeper 3.5+ keeps them: zoo.cfg's {@code dynamicConfigFile} names the file with the
 * {@code server.N} lines; after a reconfig a new {@code zoo.cfg.dynamic.<version>} is written and zoo.cfg points at
 * it, and a member started again from that zoo.cfg has the new members.
 */
class DynamicConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void zooCfgsDynamicConfigFile_namesTheMembers() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("myid"), "2\n");
        Path dynamic = dir.resolve("zoo.cfg.dynamic.100000000");
        Files.writeString(dynamic, "server.1=127.0.0.1:2001:3001:participant;127.0.0.1:4001\n"
                + "server.2=127.0.0.1:2002:3002:participant;127.0.0.1:4002\n"
                + "server.3=127.0.0.1:2003:3003:observer;127.0.0.1:4003\nversion=100000000\n");
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "tickTime=2000\ndataDir=" + data + "\nreconfigEnabled=true\ndynamicConfigFile="
                + dynamic + "\n");
        ServerConfig c = ZooCfg.load(cfg);
        assertTrue(c.reconfigEnabled());
        assertEquals(cfg.toAbsolutePath(), c.configFile());
        assertEquals(List.of(1L, 2L, 3L), c.quorum().peers().stream().map(Peer::id).toList());
        assertTrue(c.quorum().peers().get(2).observer());
        assertEquals(4002, c.clientPort(), "this member's client port comes from its server line");
    }

    @Test
    void afterAReconfig_zooCfgPointsAtTheNewFile_andReadsBackTheNewMembers() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("myid"), "1\n");
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "tickTime=2000\ndataDir=" + data + "\n"
                + "server.1=127.0.0.1:2001:3001:participant;127.0.0.1:4001\n"
                + "server.2=127.0.0.1:2002:3002:participant;127.0.0.1:4002\n"
                + "server.3=127.0.0.1:2003:3003:participant;127.0.0.1:4003\n");
        List<Peer> kept = ZooCfg.load(cfg).quorum().peers().subList(0, 2);
        long version = 0x200000007L;
        byte[] configData = Quorum.configData(kept, 1, null, version).getBytes(StandardCharsets.UTF_8);

        DynamicConfigFile.write(cfg, configData, version);

        Path dynamic = dir.resolve("zoo.cfg.dynamic.200000007");
        assertEquals(kept.get(0).configLine() + "\n" + kept.get(1).configLine(), Files.readString(dynamic),
                "the server lines alone, as ZooKeeper writes the file");
        String rewritten = Files.readString(cfg);
        assertFalse(rewritten.contains("server."), rewritten);
        assertTrue(rewritten.contains("tickTime=2000\n"), rewritten);
        assertTrue(rewritten.endsWith("dynamicConfigFile=" + dynamic.toAbsolutePath() + "\n"), rewritten);
        assertEquals(kept, ZooCfg.load(cfg).quorum().peers());
        assertEquals(kept, Quorum.parseConfigData(new String(configData, StandardCharsets.UTF_8)));
    }
}
