package dev.keeper.compat.diff;

import static org.apache.zookeeper.CreateMode.CONTAINER;
import static org.apache.zookeeper.CreateMode.EPHEMERAL;
import static org.apache.zookeeper.CreateMode.PERSISTENT;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.DeleteContainerRequest;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CheckWatchesRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetACLRequest;
import org.apache.zookeeper.proto.GetAllChildrenNumberRequest;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetEphemeralsRequest;
import org.apache.zookeeper.proto.GetSASLRequest;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.apache.zookeeper.proto.RemoveWatchesRequest;
import org.apache.zookeeper.proto.SetACLRequest;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SyncRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What no stock client sends, over a raw socket speaking Jute: unknown opcodes and {@code check} at top level
 * (Unimplemented, then the connection closes), malformed bodies (MarshallingError, the connection stays),
 * invalid paths, the ConnectRequest's optional read-only byte, a client ahead of the server, timeout
 * negotiation, unknown sessions, auth with an unknown scheme, checkWatches/removeWatches for every watcher type,
 * and deleteContainer sent by a client. Reply headers and bodies are compared byte for byte.
 */
class RawProtocolDiffTest {
    private static Differential diff;

    @BeforeAll
    static void start() {
        diff = Differential.start();
    }

    @AfterAll
    static void stop() {
        diff.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void unknownOpcode_answersUnimplemented_thenClosesTheConnection_sessionLivesOn(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            RawChannel raw = env.raw("raw");
            raw.connect();
            raw.request("exists " + p, 1, OpCode.exists, new ExistsRequest(p, false));
            raw.request("opcode 999", 2, 999, null);
            raw.expectClose();
            raw.reopen();
            raw.connect(Client.SESSION_TIMEOUT_MS, 0, raw.sessionId(), raw.passwd(), false);
            raw.request("opcode 0 (notification)", 3, 0, new ExistsRequest(p, false));
            raw.expectClose();
            raw.reopen();
            raw.connect(Client.SESSION_TIMEOUT_MS, 0, raw.sessionId(), raw.passwd(), false);
            raw.request("opcode -10 (createSession)", 4, -10, null);
            raw.request("exists " + p, 5, OpCode.exists, new ExistsRequest(p, false));
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void check_atTopLevel_answersUnimplemented_thenCloses(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            RawChannel raw = env.raw("raw");
            raw.connect();
            raw.request("check " + p, 1, OpCode.check, new CheckVersionRequest(p, 0));
            raw.expectClose();
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void malformedBodies_answerMarshallingError_andTheConnectionStays(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/a", "", PERSISTENT);
            RawChannel raw = env.raw("raw");
            raw.connect();
            byte[] truncated = ByteBuffer.allocate(6).putInt(100).put(bytes("/a")).array();
            raw.requestRaw("getData, truncated", 1, OpCode.getData, truncated);
            raw.requestRaw("exists, truncated", 2, OpCode.exists, truncated);
            raw.requestRaw("getChildren2, empty body", 3, OpCode.getChildren2, new byte[0]);
            raw.request("exists " + p, 4, OpCode.exists, new ExistsRequest(p, false));
            raw.requestRaw("setData, truncated", 5, OpCode.setData, truncated);
            raw.requestRaw("create, truncated", 6, OpCode.create, truncated);
            raw.requestRaw("delete, empty body", 7, OpCode.delete, new byte[0]);
            raw.requestRaw("multi, truncated", 8, OpCode.multi, truncated);
            raw.requestRaw("multiRead, truncated", 9, OpCode.multiRead, truncated);
            raw.request("exists " + p, 10, OpCode.exists, new ExistsRequest(p, false));
            byte[] trailing = ByteBuffer.allocate(4 + (p + "/a").length() + 1 + 3).putInt((p + "/a").length())
                    .put(bytes(p + "/a")).put((byte) 0).put(new byte[] {1, 2, 3}).array();
            raw.requestRaw("getData, trailing bytes after the record", 11, OpCode.getData, trailing);
            // each malformed write took the zxid shown here
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void connect_readOnlyByte_isEchoedOnlyWhenSent(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            RawChannel withByte = env.raw("with read-only byte");
            withByte.connect(10_000, 0, 0, new byte[16], false);
            withByte.request("exists " + p, 1, OpCode.exists, new ExistsRequest(p, false));
            RawChannel without = env.raw("without read-only byte");
            without.connect(10_000, 0, 0, new byte[16], null);
            without.request("exists " + p, 1, OpCode.exists, new ExistsRequest(p, false));
            RawChannel readOnly = env.raw("read-only client");
            readOnly.connect(10_000, 0, 0, new byte[16], true);
            readOnly.request("exists " + p, 1, OpCode.exists, new ExistsRequest(p, false));
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void connect_timeoutIsNegotiatedIntoMinAndMax(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            for (int asked : new int[] {0, 1, 2_000, 12_345, 40_000, 1_000_000_000, -5}) {
                RawChannel raw = env.raw("asked " + asked);
                raw.connect(asked, 0, 0, new byte[16], false);
            }
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void connect_clientAheadOfTheServer_isRefused(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            RawChannel raw = env.raw("raw");
            raw.connect(10_000, 1L << 40, 0, new byte[16], false);
            raw.expectClose();
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void connect_unknownSessionOrWrongPassword_answersZeros_thenCloses(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            RawChannel unknown = env.raw("unknown session");
            unknown.connect(10_000, 0, 0x1234_5678L, new byte[16], false);
            unknown.expectClose();
            RawChannel wrong = env.raw("wrong password");
            byte[] bad = new byte[16];
            bad[0] = 42;
            // ZooKeeper drops the session's current connection before it checks the password
            wrong.connect(10_000, 0, c.sessionId(), bad, false);
            wrong.expectClose();
            c.awaitState(org.apache.zookeeper.Watcher.Event.KeeperState.Disconnected, 10_000);
            c.awaitReconnected();
            c.exists(p, null);
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void auth_unknownScheme_answersAuthFailed_thenCloses(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            RawChannel raw = env.raw("raw");
            raw.connect();
            raw.request("auth digest", -4, OpCode.auth, new AuthPacket(0, "digest", bytes("u:p")));
            raw.request("whoAmI", 1, OpCode.whoAmI, null);
            raw.request("auth nope", -4, OpCode.auth, new AuthPacket(0, "nope", bytes("x")));
            raw.expectClose();
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void ping_answersWithTheLastZxid(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            RawChannel raw = env.raw("raw");
            raw.connect();
            raw.request("ping", -2, OpCode.ping, null);
            c.create2(p + "/a", "", PERSISTENT);
            raw.request("ping", -2, OpCode.ping, null);
            raw.request("exists " + p, 7, OpCode.exists, new ExistsRequest(p, false));
        });
    }

    @Test
    void checkWatches_andRemoveWatches_forEachWatcherType(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/a", "", PERSISTENT);
            RawChannel raw = env.raw("raw");
            raw.connect();
            int xid = 1;
            raw.request("getData watch " + p + "/a", xid++, OpCode.getData, new GetDataRequest(p + "/a", true));
            raw.request("exists watch " + p + "/missing", xid++, OpCode.exists, new ExistsRequest(p + "/missing",
                    true));
            raw.request("getData watch " + p + "/missing", xid++, OpCode.getData,
                    new GetDataRequest(p + "/missing", true));
            raw.request("getChildren watch " + p, xid++, OpCode.getChildren, new GetChildrenRequest(p, true));
            raw.request("addWatch persistent " + p + "/p", xid++, OpCode.addWatch,
                    new AddWatchRequest(p + "/p", 0));
            raw.request("addWatch recursive " + p + "/r", xid++, OpCode.addWatch,
                    new AddWatchRequest(p + "/r", 1));
            String[] paths = {p + "/a", p + "/missing", p, p + "/p", p + "/r", p + "/none"};
            for (String path : paths) {
                for (int type = 1; type <= 5; type++) {
                    raw.request("checkWatches " + path + " type " + type, xid++, OpCode.checkWatches,
                            new CheckWatchesRequest(path, type));
                }
            }
            raw.request("checkWatches type 9", xid++, OpCode.checkWatches, new CheckWatchesRequest(p, 9));
            raw.request("addWatch mode 7", xid++, OpCode.addWatch, new AddWatchRequest(p + "/x", 7));
            raw.request("removeWatches " + p + "/a type 1", xid++, OpCode.removeWatches,
                    new RemoveWatchesRequest(p + "/a", 1));
            raw.request("removeWatches " + p + "/a type 2", xid++, OpCode.removeWatches,
                    new RemoveWatchesRequest(p + "/a", 2));
            raw.request("removeWatches " + p + "/a type 2 again", xid++, OpCode.removeWatches,
                    new RemoveWatchesRequest(p + "/a", 2));
            raw.request("removeWatches " + p + " type 3", xid++, OpCode.removeWatches,
                    new RemoveWatchesRequest(p, 3));
            raw.request("removeWatches " + p + "/p type 5", xid++, OpCode.removeWatches,
                    new RemoveWatchesRequest(p + "/p", 5));
            raw.request("removeWatches " + p + "/p type 4", xid++, OpCode.removeWatches,
                    new RemoveWatchesRequest(p + "/p", 4));
            raw.request("removeWatches " + p + "/r type 4", xid++, OpCode.removeWatches,
                    new RemoveWatchesRequest(p + "/r", 4));
            raw.request("removeWatches " + p + "/r type 3", xid++, OpCode.removeWatches,
                    new RemoveWatchesRequest(p + "/r", 3));
            for (String path : paths) {
                raw.request("checkWatches " + path + " type 3", xid++, OpCode.checkWatches,
                        new CheckWatchesRequest(path, 3));
            }
            // the one watch left fires; the removed ones do not
            c.create2(p + "/missing", "", PERSISTENT);
            c.setData(p + "/a", "x", -1);
            c.create2(p + "/a/child", "", PERSISTENT);
            raw.request("exists " + p, xid, OpCode.exists, new ExistsRequest(p, false));
        });
    }

    @Test
    void invalidPaths_eachOperation_answersLikeZooKeeper(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            String[] invalid = {"", "a", p + "/", p + "//a", p + "/./a", p + "/../a", p + "/.", p + "/\u0000",
                p + "/a\u0001", p + "/\ud800"};
            RawChannel raw = env.raw("raw");
            raw.connect();
            int xid = 1;
            for (String path : invalid) {
                if (raw.closed()) {
                    raw.reopen();
                    raw.connect(Client.SESSION_TIMEOUT_MS, 0, raw.sessionId(), raw.passwd(), false);
                }
                String q = "\"" + path.replace("\u0000", "\\0") + "\"";
                raw.request("exists " + q, xid++, OpCode.exists, new ExistsRequest(path, false));
                raw.request("getData " + q, xid++, OpCode.getData, new GetDataRequest(path, false));
                raw.request("getChildren2 " + q, xid++, OpCode.getChildren2, new GetChildren2Request(path, false));
                raw.request("getACL " + q, xid++, OpCode.getACL, new GetACLRequest(path));
                raw.request("getAllChildrenNumber " + q, xid++, OpCode.getAllChildrenNumber,
                        new GetAllChildrenNumberRequest(path));
                raw.request("getEphemerals " + q, xid++, OpCode.getEphemerals, new GetEphemeralsRequest(path));
                raw.request("sync " + q, xid++, OpCode.sync, new SyncRequest(path));
                raw.request("create " + q, xid++, OpCode.create,
                        new CreateRequest(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 0));
                raw.request("create sequential " + q, xid++, OpCode.create2,
                        new CreateRequest(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 2));
                raw.request("setData " + q, xid++, OpCode.setData, new SetDataRequest(path, new byte[0], -1));
                raw.request("setACL " + q, xid++, OpCode.setACL,
                        new SetACLRequest(path, ZooDefs.Ids.OPEN_ACL_UNSAFE, -1));
                raw.request("delete " + q, xid++, OpCode.delete, new DeleteRequest(path, -1));
                raw.request("addWatch " + q, xid++, OpCode.addWatch, new AddWatchRequest(path, 0));
                raw.request("checkWatches " + q, xid++, OpCode.checkWatches, new CheckWatchesRequest(path, 3));
            }
            c.getChildren2(p, null);
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    /**
     * A null where a path or a list belongs (a Jute string or vector of length −1) in every request that carries
     * one: ZooKeeper answers most with MarshallingError (its handlers fail on the null and the catch-all answers
     * so), and the connection stays.
     */
    @Test
    void nullPathsAndLists_eachOperation_answerLikeZooKeeper(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/a", "", PERSISTENT);
            RawChannel raw = env.raw("raw");
            raw.connect();
            int[] xid = {1};
            byte[] none = new byte[0];
            java.util.List<org.apache.zookeeper.data.ACL> open = ZooDefs.Ids.OPEN_ACL_UNSAFE;
            Object[][] requests = {
                {"exists null", OpCode.exists, new ExistsRequest(null, false)},
                {"getData null", OpCode.getData, new GetDataRequest(null, true)},
                {"getChildren null", OpCode.getChildren, new GetChildrenRequest(null, true)},
                {"getChildren2 null", OpCode.getChildren2, new GetChildren2Request(null, false)},
                {"getACL null", OpCode.getACL, new GetACLRequest(null)},
                {"getAllChildrenNumber null", OpCode.getAllChildrenNumber, new GetAllChildrenNumberRequest(null)},
                {"getEphemerals null", OpCode.getEphemerals, new GetEphemeralsRequest(null)},
                {"sync null", OpCode.sync, new SyncRequest(null)},
                {"create null", OpCode.create, new CreateRequest(null, none, open, 0)},
                {"create2 null", OpCode.create2, new CreateRequest(null, none, open, 0)},
                {"createContainer null", OpCode.createContainer, new CreateRequest(null, none, open, 4)},
                {"createTTL null", OpCode.createTTL, new CreateTTLRequest(null, none, open, 5, 100)},
                {"create null acl", OpCode.create, new CreateRequest(p + "/nullacl", none, null, 0)},
                {"create null data", OpCode.create, new CreateRequest(p + "/nulldata", null, open, 0)},
                {"setData null", OpCode.setData, new SetDataRequest(null, none, -1)},
                {"setData null data", OpCode.setData, new SetDataRequest(p + "/a", null, -1)},
                {"setACL null", OpCode.setACL, new SetACLRequest(null, open, -1)},
                {"setACL null acl", OpCode.setACL, new SetACLRequest(p + "/a", null, -1)},
                {"delete null", OpCode.delete, new DeleteRequest(null, -1)},
                {"checkWatches null, none set", OpCode.checkWatches, new CheckWatchesRequest(null, 3)},
                {"removeWatches null, none set", OpCode.removeWatches, new RemoveWatchesRequest(null, 3)},
                {"addWatch null", OpCode.addWatch, new AddWatchRequest(null, 0)},
                {"checkWatches null, after addWatch", OpCode.checkWatches, new CheckWatchesRequest(null, 5)},
                {"removeWatches null, after addWatch", OpCode.removeWatches, new RemoveWatchesRequest(null, 5)},
                {"checkWatches null, after removeWatches", OpCode.checkWatches, new CheckWatchesRequest(null, 3)},
                {"addWatch recursive null", OpCode.addWatch, new AddWatchRequest(null, 1)},
                {"removeWatches null, recursive", OpCode.removeWatches, new RemoveWatchesRequest(null, 4)},
                {"setWatches null lists", OpCode.setWatches,
                    new org.apache.zookeeper.proto.SetWatches(0, null, null, null)},
                {"setWatches2 null lists", OpCode.setWatches2,
                    new org.apache.zookeeper.proto.SetWatches2(0, null, null, null, null, null)},
            };
            for (Object[] r : requests) {
                if (raw.closed()) {
                    raw.reopen();
                    raw.connect(Client.SESSION_TIMEOUT_MS, 0, raw.sessionId(), raw.passwd(), false);
                }
                raw.request((String) r[0], xid[0]++, (Integer) r[1], (Record) r[2]);
            }
            Object[][] multis = {
                // DeleteContainerRequest cannot serialise a null path: its body is just the string's length, -1
                {"deleteContainer null", OpCode.deleteContainer, new byte[] {-1, -1, -1, -1}},
                {"multi [create null]", OpCode.multi, multi(OpCode.create, new CreateRequest(null, none, open, 0))},
                {"multi [setData null]", OpCode.multi, multi(OpCode.setData, new SetDataRequest(null, none, -1))},
                {"multi [delete null]", OpCode.multi, multi(OpCode.delete, new DeleteRequest(null, -1))},
                {"multi [check null]", OpCode.multi, multi(OpCode.check, new CheckVersionRequest(null, -1))},
                {"multi [create ok, create null acl]", OpCode.multi, multi(
                        OpCode.create, new CreateRequest(p + "/m1", none, open, 0),
                        OpCode.create, new CreateRequest(p + "/m2", none, null, 0))},
                {"multiRead [getData null]", OpCode.multiRead, multi(OpCode.getData, new GetDataRequest(null, false))},
                {"multiRead [getChildren null]", OpCode.multiRead,
                    multi(OpCode.getChildren, new GetChildrenRequest(null, false))},
            };
            for (Object[] r : multis) {
                if (raw.closed()) {
                    raw.reopen();
                    raw.connect(Client.SESSION_TIMEOUT_MS, 0, raw.sessionId(), raw.passwd(), false);
                }
                raw.requestRaw((String) r[0], xid[0]++, (Integer) r[1], (byte[]) r[2]);
            }
            if (raw.closed()) {
                raw.reopen();
                raw.connect(Client.SESSION_TIMEOUT_MS, 0, raw.sessionId(), raw.passwd(), false);
            }
            raw.request("exists " + p, xid[0]++, OpCode.exists, new ExistsRequest(p, false));
            raw.request("auth null scheme", -4, OpCode.auth, new AuthPacket(0, null, bytes("x")));
            raw.expectClose();
            c.getChildren2(p, null);
            // each write that took a zxid shows here
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void multi_withAReadInsideAWriteOrAWriteInsideARead(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            RawChannel raw = env.raw("raw");
            raw.connect();
            // the Java client refuses to build these; ZooKeeper's multi decoder (MultiOperationRecord) does not
            raw.requestRaw("multi [create, getData]", 1, OpCode.multi, multi(
                    OpCode.create, new CreateRequest(p + "/a", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 0),
                    OpCode.getData, new GetDataRequest(p, false)));
            raw.requestRaw("multiRead [getData, create]", 2, OpCode.multiRead, multi(
                    OpCode.getData, new GetDataRequest(p, false),
                    OpCode.create, new CreateRequest(p + "/b", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 0)));
            raw.requestRaw("multi [create, sync]", 3, OpCode.multi, multi(
                    OpCode.create, new CreateRequest(p + "/c", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 0),
                    OpCode.sync, new SyncRequest(p)));
            raw.request("exists " + p, 4, OpCode.exists, new ExistsRequest(p, false));
            c.getChildren2(p, null);
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    /** A multi's body as ZooKeeper frames it: a MultiHeader before each op, and a closing one. */
    private static byte[] multi(Object... typesAndRecords) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        BinaryOutputArchive a = BinaryOutputArchive.getArchive(bytes);
        for (int i = 0; i < typesAndRecords.length; i += 2) {
            new MultiHeader((Integer) typesAndRecords[i], false, -1).serialize(a, "header");
            ((Record) typesAndRecords[i + 1]).serialize(a, "op");
        }
        new MultiHeader(-1, true, -1).serialize(a, "header");
        return bytes.toByteArray();
    }

    @Test
    void deleteContainer_sentByAClient_deletesWhatZooKeeperDeletes(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/container", "", CONTAINER);
            c.create2(p + "/container/child", "", PERSISTENT);
            c.create2(p + "/persistent", "", PERSISTENT);
            c.create2(p + "/ephemeral", "", EPHEMERAL);
            c.create2(p + "/full", "", PERSISTENT);
            c.create2(p + "/full/child", "", PERSISTENT);
            RawChannel raw = env.raw("raw");
            raw.connect();
            int xid = 1;
            raw.request("deleteContainer non-empty container", xid++, OpCode.deleteContainer,
                    new DeleteContainerRequest(p + "/container"));
            c.delete(p + "/container/child", -1);
            for (String name : new String[] {"container", "persistent", "ephemeral", "full", "missing"}) {
                raw.request("deleteContainer " + name, xid++, OpCode.deleteContainer,
                        new DeleteContainerRequest(p + "/" + name));
            }
            raw.request("deleteContainer /zookeeper", xid++, OpCode.deleteContainer,
                    new DeleteContainerRequest("/zookeeper"));
            c.getChildren2(p, null);
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void oddRequests_createFlagsMultiKindsAndReconfig(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            RawChannel raw = env.raw("raw");
            raw.connect();
            int xid = 1;
            raw.request("create flags 7", xid++, OpCode.create,
                    new CreateRequest(p + "/f7", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 7));
            raw.request("create flags -1", xid++, OpCode.create,
                    new CreateRequest(p + "/fm1", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, -1));
            raw.request("create (1) with the container flag", xid++, OpCode.create,
                    new CreateRequest(p + "/f4", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 4));
            raw.request("create2 with the TTL flag, TTL off", xid++, OpCode.create2,
                    new CreateRequest(p + "/f5", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 5));
            raw.request("createContainer with the ephemeral flag", xid++, OpCode.createContainer,
                    new CreateRequest(p + "/c1", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 1));
            raw.request("createTTL with flags 0, TTL off", xid++, OpCode.createTTL,
                    new CreateTTLRequest(p + "/t0", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 0, 100));
            raw.request("getData " + p + "/f4", xid++, OpCode.getData, new GetDataRequest(p + "/f4", false));
            raw.request("getData " + p + "/c1", xid++, OpCode.getData, new GetDataRequest(p + "/c1", false));
            raw.requestRaw("multi [create flags 7]", xid++, OpCode.multi, multi(
                    OpCode.create, new CreateRequest(p + "/m7", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 7)));
            raw.requestRaw("multi (14) of reads only", xid++, OpCode.multi, multi(
                    OpCode.getData, new GetDataRequest(p, false), OpCode.getChildren,
                    new GetChildrenRequest(p, false)));
            raw.requestRaw("multi with an unknown op type", xid++, OpCode.multi, multi(
                    OpCode.sync, new SyncRequest(p)));
            raw.request("reconfig", xid++, OpCode.reconfig, new ReconfigRequest("", "", "", -1));
            raw.request("exists " + p, xid++, OpCode.exists, new ExistsRequest(p, false));
            c.getChildren2(p, null);
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void multiRead_ofWritesOnly_answersMarshallingErrorWithAnEmptyResponse(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            RawChannel raw = env.raw("raw");
            raw.connect();
            // FinalRequestProcessor has built the (empty) MultiResponse before the first op fails, and sends it
            raw.requestRaw("multiRead (22) of writes only", 1, OpCode.multiRead, multi(
                    OpCode.create, new CreateRequest(p + "/mr", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 0)));
            raw.request("exists " + p, 2, OpCode.exists, new ExistsRequest(p, false));
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void sasl_withoutSaslConfigured_answersAnEmptyToken_andKeepsTheConnection(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            RawChannel raw = env.raw("raw");
            raw.connect();
            raw.request("sasl", 1, OpCode.sasl, new GetSASLRequest(new byte[] {1, 2, 3}));
            raw.request("exists " + p, 2, OpCode.exists, new ExistsRequest(p, false));
            c.create2(p + "/after", "", PERSISTENT);
        });
    }
}
