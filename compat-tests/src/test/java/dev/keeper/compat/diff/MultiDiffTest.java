package dev.keeper.compat.diff;

import static org.apache.zookeeper.CreateMode.CONTAINER;
import static org.apache.zookeeper.CreateMode.EPHEMERAL;
import static org.apache.zookeeper.CreateMode.PERSISTENT;
import static org.apache.zookeeper.CreateMode.PERSISTENT_SEQUENTIAL;

import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * multi (14) and multiRead (22): per-op results, the all-or-nothing failure shape (0…, the failing code, −2…),
 * check only inside a multi, later ops seeing earlier ones, one zxid for the lot, and no watch from a failure.
 */
class MultiDiffTest {
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

    private static Op create(String path, CreateMode mode) {
        return Op.create(path, Client.bytes("m"), OPEN, mode);
    }

    @Test
    void multi_success_answersEveryOpUnderOneZxid(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/existing", "v0", PERSISTENT);
            c.create2(p + "/doomed", "", PERSISTENT);
            c.multi(List.of(
                    create(p + "/a", PERSISTENT),
                    create(p + "/e", EPHEMERAL),
                    create(p + "/s-", PERSISTENT_SEQUENTIAL),
                    create(p + "/container", CONTAINER),
                    Op.check(p + "/existing", 0),
                    Op.setData(p + "/existing", Client.bytes("v1"), 0),
                    Op.delete(p + "/doomed", 0)));
            c.getChildren2(p, null);
            c.getData(p + "/existing", null);
            c.getData(p + "/a", null);
            c.getData(p + "/e", null);
            c.getData(p + "/container", null);
        });
    }

    @Test
    void multi_laterOpsSeeEarlierOps(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.multi(List.of(
                    create(p + "/parent", PERSISTENT),
                    create(p + "/parent/child", PERSISTENT),
                    Op.setData(p + "/parent/child", Client.bytes("1"), 0),
                    Op.setData(p + "/parent/child", Client.bytes("2"), 1),
                    Op.check(p + "/parent/child", 2),
                    create(p + "/parent/s-", PERSISTENT_SEQUENTIAL),
                    create(p + "/parent/s-", PERSISTENT_SEQUENTIAL),
                    Op.delete(p + "/parent/s-0000000002", 0)));
            c.getChildren2(p + "/parent", null);
            c.multi(List.of(
                    Op.delete(p + "/parent/child", -1),
                    create(p + "/parent/child", PERSISTENT),
                    Op.check(p + "/parent/child", 0)));
            c.getChildren2(p + "/parent", null);
            c.getData(p + "/parent/child", null);
        });
    }

    @Test
    void multi_failure_rollsBackAndAnswersErrorResults(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/x", "", PERSISTENT);
            // failing in the middle: 0 before, the code, then RuntimeInconsistency
            c.multi(List.of(
                    create(p + "/a", PERSISTENT),
                    Op.setData(p + "/x", Client.bytes("no"), 5),
                    create(p + "/b", PERSISTENT)));
            // failing first and last
            c.multi(List.of(
                    Op.check(p + "/missing", -1),
                    create(p + "/a", PERSISTENT),
                    Op.delete(p + "/x", -1)));
            c.multi(List.of(
                    create(p + "/a", PERSISTENT),
                    Op.setData(p + "/x", Client.bytes("ok"), 0),
                    create(p + "/x", PERSISTENT)));
            // nothing of them is left, and each took a zxid
            c.getChildren2(p, null);
            c.getData(p + "/x", null);
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void multi_failure_eachErrorCode(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/full", "", PERSISTENT);
            c.create2(p + "/full/child", "", PERSISTENT);
            c.create2(p + "/eph", "", EPHEMERAL);
            c.create2(p + "/ro", Client.bytes(""), ZooDefs.Ids.READ_ACL_UNSAFE, PERSISTENT);
            c.multi(List.of(create(p + "/ok", PERSISTENT), create(p + "/full", PERSISTENT)));
            c.multi(List.of(create(p + "/ok", PERSISTENT), create(p + "/no/parent", PERSISTENT)));
            c.multi(List.of(create(p + "/ok", PERSISTENT), Op.delete(p + "/full", -1)));
            c.multi(List.of(create(p + "/ok", PERSISTENT), create(p + "/eph/child", PERSISTENT)));
            c.multi(List.of(create(p + "/ok", PERSISTENT), Op.check(p + "/full", 3)));
            c.multi(List.of(create(p + "/ok", PERSISTENT), Op.setData(p + "/ro", Client.bytes("x"), -1)));
            c.multi(List.of(create(p + "/ok", PERSISTENT), Op.create(p + "/badacl", Client.bytes(""),
                    List.of(new ACL(ZooDefs.Perms.ALL, new Id("nope", "x"))), PERSISTENT)));
            c.multi(List.of(create(p + "/ok", PERSISTENT), Op.delete("/zookeeper", -1)));
            c.multi(List.of(Op.create(p + "/emptyacl", Client.bytes(""), List.of(), PERSISTENT)));
            c.create2(p + "/after", "", PERSISTENT);
            c.getChildren2(p, null);
        });
    }

    @Test
    void multi_failure_firesNoWatch_success_firesWithItsZxid(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c1.create2(p + "/x", "", PERSISTENT);
            c2.exists(p + "/a", c2.w("existsA"));
            c2.getData(p + "/x", c2.w("dataX"));
            c2.getChildren(p, c2.w("children"));
            c1.multi(List.of(
                    create(p + "/a", PERSISTENT),
                    Op.setData(p + "/x", Client.bytes("1"), -1),
                    Op.check(p + "/x", 9)));
            c2.getChildren(p, null);
            c1.multi(List.of(
                    create(p + "/a", PERSISTENT),
                    Op.setData(p + "/x", Client.bytes("1"), -1),
                    Op.check(p + "/x", 1)));
            c2.getChildren(p, null);
        });
    }

    @Test
    void multi_empty_answersEmptyResults(TestInfo info) {
        diff.check(info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.multi(List.of());
            c.create2(p + "/after", "", PERSISTENT);
        });
    }

    @Test
    void multiRead_failedOpIsAnErrorResult_othersCarryOn(TestInfo info) {
        diff.check(info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c1.create2(p + "/a", "A", PERSISTENT);
            c1.create2(p + "/a/x", "", PERSISTENT);
            c1.create2(p + "/secret", Client.bytes("s"), List.of(new ACL(ZooDefs.Perms.ALL,
                    new Id("digest", "someone:dnJ5bYF2J0ucQW6w6Tmv3iS3xvc="))), PERSISTENT);
            c2.multi(List.of(
                    Op.getData(p + "/a"),
                    Op.getChildren(p + "/missing"),
                    Op.getChildren(p + "/a"),
                    Op.getData(p + "/secret"),
                    Op.getData(p + "/missing"),
                    Op.getChildren(p)));
            c2.multi(List.of(Op.getData(p + "/a")));
            c1.create2(p + "/after", "", PERSISTENT);
        });
    }
}
