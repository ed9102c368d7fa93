package dev.keeper.compat.diff;

import static org.apache.zookeeper.CreateMode.CONTAINER;
import static org.apache.zookeeper.CreateMode.EPHEMERAL;
import static org.apache.zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL;
import static org.apache.zookeeper.CreateMode.PERSISTENT;
import static org.apache.zookeeper.CreateMode.PERSISTENT_SEQUENTIAL;

import java.util.List;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * create, delete, exists, getData, setData, getChildren(2), sync, getEphemerals, getAllChildrenNumber: results,
 * error codes and every Stat field, against ZooKeeper. One pair of servers for the class; each scenario works
 * under its own prefix and counts zxids from it.
 */
class NodeOpsDiffTest {
    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static Differential diff;

    @BeforeAll
    static void start() {
        diff = Differential.start();
    }

    @AfterAll
    static void stop() {
        diff.close();
    }

    @Test
    void create_eachMode_viaCreateAndCreate2(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create(p + "/persistent", "a", PERSISTENT);
            c.create(p + "/ephemeral", "b", EPHEMERAL);
            c.create(p + "/pseq-", "c", PERSISTENT_SEQUENTIAL);
            c.create(p + "/eseq-", "d", EPHEMERAL_SEQUENTIAL);
            c.create2(p + "/persistent2", "e", PERSISTENT);
            c.create2(p + "/ephemeral2", "f", EPHEMERAL);
            c.create2(p + "/pseq2-", "g", PERSISTENT_SEQUENTIAL);
            c.create2(p + "/eseq2-", "h", EPHEMERAL_SEQUENTIAL);
            c.create2(p + "/container", "i", CONTAINER);
            c.create(p + "/container1", "j", CONTAINER);
            c.create2(p + "/empty", "", PERSISTENT);
            c.create2(p + "/null", null, PERSISTENT);
            for (String child : sorted(c.getChildren2(p, null))) {
                c.getData(p + "/" + child, null);
            }
            c.exists(p + "/ephemeral", null);
        });
    }

    @Test
    void create_sequential_usesParentCversion(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create(p + "/a-", "", PERSISTENT_SEQUENTIAL);
            c.create(p + "/plain", "", PERSISTENT);
            c.create(p + "/a-", "", EPHEMERAL_SEQUENTIAL);
            c.delete(p + "/plain", -1);
            c.create(p + "/plain", "", PERSISTENT);
            c.delete(p + "/plain", -1);
            // cversion now counts creates and deletes; the next suffix counts creates only
            c.exists(p, null);
            c.create2(p + "/a-", "", PERSISTENT_SEQUENTIAL);
            c.create2(p + "/b-", "", EPHEMERAL_SEQUENTIAL);
            // a failed create (NodeExists) consumes a zxid but not a suffix
            c.create(p + "/a-0000000000", "", PERSISTENT);
            c.create2(p + "/a-", "", PERSISTENT_SEQUENTIAL);
            c.getChildren2(p, null);
        });
    }

    @Test
    void create_sequential_trailingSlash_isNamedBySuffixAlone(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/", "x", PERSISTENT_SEQUENTIAL);
            c.create(p + "/", "y", EPHEMERAL_SEQUENTIAL);
            c.getChildren2(p, null);
        });
    }

    @Test
    void create_errors_eachCostAZxid(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create(p + "/missing/child", "", PERSISTENT);
            c.create2(p + "/missing/child", "", PERSISTENT);
            c.create2(p + "/a", "", PERSISTENT);
            c.create(p + "/a", "", PERSISTENT);
            c.create2(p + "/a", "", EPHEMERAL);
            c.create2(p + "/e", "", EPHEMERAL);
            c.create(p + "/e/child", "", PERSISTENT);
            c.create2(p + "/e/child-", "", PERSISTENT_SEQUENTIAL);
            c.create(p + "/e/child", "", CONTAINER);
            c.create2(p + "/noacl", Client.bytes(""), List.of(), PERSISTENT);
            c.create2(p + "/authacl", Client.bytes(""), List.of(new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS)),
                    PERSISTENT);
            c.create2(p + "/badscheme", Client.bytes(""), List.of(new ACL(ZooDefs.Perms.ALL, new Id("nope", "x"))),
                    PERSISTENT);
            c.create2(p + "/baddigest", Client.bytes(""), List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", "x"))),
                    PERSISTENT);
            c.create2(p + "/badip", Client.bytes(""), List.of(new ACL(ZooDefs.Perms.ALL, new Id("ip", "1.2.3"))),
                    PERSISTENT);
            c.create2(p + "/missing/container", "", CONTAINER);
            // the next zxid shows how many the failures took
            c.create2(p + "/after", "", PERSISTENT);
            c.getChildren2(p, null);
        });
    }

    @Test
    void delete_versionsAndErrors(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/a", "", PERSISTENT);
            c.create2(p + "/a/child", "", PERSISTENT);
            c.delete(p + "/missing", -1);
            c.delete(p + "/missing/child", -1);
            c.delete(p + "/a", -1);
            c.setData(p + "/a/child", "v1", -1);
            c.delete(p + "/a/child", 0);
            c.delete(p + "/a/child", 2);
            c.delete(p + "/a/child", 1);
            c.exists(p + "/a", null);
            c.delete(p + "/a", 0);
            c.exists(p, null);
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void delete_builtInNodes_isRefused(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.delete("/zookeeper/config", -1);
            c.delete("/zookeeper/quota", -1);
            c.delete("/zookeeper", -1);
            c.delete("/", -1);
            c.create2(p + "/after", "", PERSISTENT);
            c.exists("/zookeeper/quota", null);
            c.exists("/zookeeper/config", null);
        });
    }

    @Test
    void setData_versionsAndErrors(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/a", "first", PERSISTENT);
            c.setData(p + "/a", "second", -1);
            c.setData(p + "/a", "third", 1);
            c.setData(p + "/a", "stale", 1);
            c.setData(p + "/a", "future", 7);
            c.setData(p + "/missing", "x", -1);
            c.setData(p + "/a", (byte[]) null, -1);
            c.getData(p + "/a", null);
            c.setData(p + "/a", new byte[1000], 3);
            c.getData(p + "/a", null);
            c.setData(p + "/a", "", -1);
            c.getData(p + "/a", null);
            // a child's data changing touches neither the parent's cversion nor its pzxid
            c.exists(p, null);
        });
    }

    @Test
    void stat_pzxid_movesOnChildCreateAndDelete_notOnChildSetData(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/parent", "", PERSISTENT);
            c.exists(p + "/parent", null);
            c.create2(p + "/parent/a", "", PERSISTENT);
            c.exists(p + "/parent", null);
            c.setData(p + "/parent/a", "changed", -1);
            c.exists(p + "/parent", null);
            c.create2(p + "/parent/a/grandchild", "", PERSISTENT);
            c.exists(p + "/parent", null);
            c.create(p + "/parent/e", "", EPHEMERAL);
            c.delete(p + "/parent/e", -1);
            c.exists(p + "/parent", null);
            c.setData(p + "/parent", "self", -1);
            c.getChildren2(p + "/parent", null);
            c.delete(p + "/parent/a/grandchild", -1);
            c.delete(p + "/parent/a", -1);
            c.getChildren2(p + "/parent", null);
        });
    }

    @Test
    void stat_cversion_countsCreatesAndDeletes_afterSessionClose(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c2.create(p + "/e1", "", EPHEMERAL);
            c2.create(p + "/e2-", "", EPHEMERAL_SEQUENTIAL);
            c1.create(p + "/s-", "", PERSISTENT_SEQUENTIAL);
            c2.closeSession();
            c1.getChildren2(p, null);
            c1.create2(p + "/s-", "", PERSISTENT_SEQUENTIAL);
            c1.getChildren2(p, null);
        });
    }

    @Test
    void exists_getData_getChildren_onMissingAndPresentNodes(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.exists(p + "/missing", null);
            c.getData(p + "/missing", null);
            c.getChildren(p + "/missing", null);
            c.getChildren2(p + "/missing", null);
            c.create2(p + "/a", "data", PERSISTENT);
            c.create2(p + "/a/x", "1", PERSISTENT);
            c.create2(p + "/a/y", "2", EPHEMERAL);
            c.exists(p + "/a", null);
            c.getData(p + "/a", null);
            c.getChildren(p + "/a", null);
            c.getChildren2(p + "/a", null);
            c.getChildren(p + "/a/x", null);
            c.getChildren2(p + "/a/y", null);
        });
    }

    @Test
    void sync_answersWithItsPath(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.sync(p);
            c.sync("/");
            c.sync(p + "/missing");
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void getEphemerals_matchesPrefixAsAString_andOnlyOwnSession(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c1.create(p + "/a", "", EPHEMERAL);
            c1.create(p + "/ab", "", EPHEMERAL);
            c1.create(p + "/b", "", PERSISTENT);
            c1.create(p + "/b/c", "", EPHEMERAL);
            c1.create(p + "/s-", "", EPHEMERAL_SEQUENTIAL);
            c2.create(p + "/other", "", EPHEMERAL);
            c1.getEphemerals(p);
            c1.getEphemerals(p + "/a");
            c1.getEphemerals(p + "/b");
            c1.getEphemerals(p + "/zz");
            c1.getEphemerals("/");
            c2.getEphemerals(p);
            c1.delete(p + "/ab", -1);
            c1.getEphemerals(p);
        });
    }

    @Test
    void getAllChildrenNumber_countsDescendants(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.getAllChildrenNumber(p);
            c.create(p + "/a", "", PERSISTENT);
            c.create(p + "/a/b", "", PERSISTENT);
            c.create(p + "/a/b/c", "", EPHEMERAL);
            c.create(p + "/d", "", PERSISTENT);
            c.getAllChildrenNumber(p);
            c.getAllChildrenNumber(p + "/a");
            c.getAllChildrenNumber(p + "/a/b/c");
            c.getAllChildrenNumber(p + "/missing");
            c.getAllChildrenNumber("/zookeeper");
        });
    }

    static List<String> sorted(List<String> names) {
        List<String> s = new java.util.ArrayList<>(names == null ? List.of() : names);
        s.sort(null);
        return s;
    }
}
