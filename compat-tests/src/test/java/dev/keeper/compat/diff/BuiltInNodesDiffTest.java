package dev.keeper.compat.diff;

import static org.apache.zookeeper.CreateMode.EPHEMERAL;
import static org.apache.zookeeper.CreateMode.PERSISTENT;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The root and the built-in nodes ({@code /zookeeper}, {@code /zookeeper/quota}, {@code /zookeeper/config}):
 * their Stats and ACLs, what may be done to them, and the root's counts as nodes come and go. These observe
 * server-wide state, so each scenario gets fresh servers and zxids count from 0.
 */
class BuiltInNodesDiffTest {
    private static final List<String> BUILT_IN = List.of("/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config");

    @Test
    void builtIns_statsAclsAndData_onAFreshServer(TestInfo info) {
        Differential.fresh(Differential.Config.defaults(), info, env -> {
            Client c = env.client("c1");
            for (String path : BUILT_IN) {
                c.exists(path, null);
                c.getData(path, null);
                c.getACL(path);
                c.getChildren2(path, null);
                c.getAllChildrenNumber(path);
            }
            c.getEphemerals("/");
            c.getData("", null);
        });
    }

    @Test
    void root_statFollowsItsChildren(TestInfo info) {
        Differential.fresh(Differential.Config.defaults(), info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            c1.create2("/a", "", PERSISTENT);
            c1.create2("/a/b", "", PERSISTENT);
            c2.create2("/e", "", EPHEMERAL);
            c1.getChildren2("/", null);
            c1.getAllChildrenNumber("/");
            c1.setData("/", "root data", -1);
            c1.getData("/", null);
            c1.delete("/a/b", -1);
            c1.delete("/a", -1);
            c2.closeSession();
            c1.getChildren2("/", null);
            c1.getAllChildrenNumber("/");
            c1.getEphemerals("/");
        });
    }

    @Test
    void builtIns_whatMayBeDoneToThem(TestInfo info) {
        Differential.fresh(Differential.Config.defaults(), info, env -> {
            Client c = env.client("c1");
            c.setData("/zookeeper/config", "x", -1);
            c.create2("/zookeeper/config/child", "", PERSISTENT);
            c.setACL("/zookeeper/config", org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE, -1);
            c.create2("/zookeeper/quota/q", "", PERSISTENT);
            c.create2("/zookeeper/mine", "", PERSISTENT);
            c.setData("/zookeeper", "z", -1);
            c.setData("/zookeeper/quota", "q", -1);
            c.delete("/zookeeper/quota/q", -1);
            c.delete("/zookeeper/mine", -1);
            c.delete("/zookeeper", -1);
            c.delete("/", -1);
            for (String path : BUILT_IN) {
                c.getChildren2(path, null);
            }
        });
    }
}
