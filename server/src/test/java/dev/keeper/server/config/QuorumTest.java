package dev.keeper.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** server.N lines and myid, read as ZooKeeper's QuorumPeerConfig reads them, with its error messages. */
class QuorumTest {
    @TempDir
    Path data;

    private ServerConfig parse(Map<String, String> cfg) {
        java.util.Map<String, String> all = new java.util.TreeMap<>(cfg);
        all.put("dataDir", data.toString());
        return ZooCfg.parse(all, new Properties(), data);
    }

    @Test
    void serverLines_andMyid_makeAQuorum_withTheClientAddressOfThisMembersLine() throws Exception {
        Files.writeString(data.resolve("myid"), "2\n");
        ServerConfig c = parse(Map.of(
                "server.1", "10.0.0.1:2888:3888",
                "server.2", "10.0.0.2:2888:3888:participant;127.0.0.1:2182",
                "server.3", "10.0.0.3:2888:3888:observer;2183",
                "initLimit", "7", "syncLimit", "3"));
        assertTrue(c.replicated());
        Quorum q = c.quorum();
        assertEquals(2, q.myId());
        assertEquals(2, q.participants().size());
        assertEquals(1, q.observers().size());
        assertEquals("10.0.0.2:2888", q.me().quorumAddress());
        assertEquals(2182, c.clientPort(), "the member's own line names its client port");
        assertEquals("127.0.0.1", c.clientPortAddress());
        assertEquals(7, c.initLimit());
        assertEquals(3, c.syncLimit());
        assertEquals("server.3=10.0.0.3:2888:3888:observer;0.0.0.0:2183", q.peers().get(2).configLine());
    }

    @Test
    void oneParticipant_staysStandalone_unlessStandaloneIsDisabled() throws Exception {
        assertFalse(parse(Map.of("server.1", "127.0.0.1:2888:3888")).replicated());
        Files.writeString(data.resolve("myid"), "1");
        assertTrue(parse(Map.of("server.1", "127.0.0.1:2888:3888", "standaloneEnabled", "false")).replicated());
        assertNull(parse(Map.of()).quorum());
    }

    @Test
    void aMissingOrWrongMyid_isAClearStartUpError() throws Exception {
        Map<String, String> three = Map.of("server.1", "h:1:2", "server.2", "h:3:4", "server.3", "h:5:6");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> parse(three));
        assertTrue(missing.getMessage().startsWith("myid file is missing"), missing.getMessage());
        Files.writeString(data.resolve("myid"), "x");
        assertEquals("serverid x is not a number",
                assertThrows(IllegalArgumentException.class, () -> parse(three)).getMessage());
        Files.writeString(data.resolve("myid"), "9");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(three)).getMessage()
                .contains("myid 9 is not in the server list"));
    }

    @Test
    void badServerLines_areRefusedWithZooKeepersMessages() {
        assertEquals("Client and election port must be different! Please update the configuration file on server.1",
                assertThrows(IllegalArgumentException.class, () -> Peer.parse(1, "h:2888:2888")).getMessage());
        assertEquals("Unrecognised peertype: voter",
                assertThrows(IllegalArgumentException.class, () -> Peer.parse(1, "h:1:2:voter")).getMessage());
        assertEquals("Address unresolved: h:x",
                assertThrows(IllegalArgumentException.class, () -> Peer.parse(1, "h:x:2")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Peer.parse(1, "h:1")).getMessage()
                .contains("does not have the form"));
        assertEquals("[::1]", "[" + Peer.parse(1, "[::1]:2888:3888").host() + "]");
    }
}
