package dev.keeper.compat.diff;

import static org.apache.zookeeper.CreateMode.CONTAINER;
import static org.apache.zookeeper.CreateMode.EPHEMERAL;
import static org.apache.zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL;
import static org.apache.zookeeper.CreateMode.PERSISTENT;
import static org.apache.zookeeper.CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
import static org.apache.zookeeper.CreateMode.PERSISTENT_WITH_TTL;

import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Containers and TTL nodes, and Curator, which creates with create2 and makes parents as containers: a
 * container goes when its last child goes, a TTL node when its TTL has passed, each under a zxid of its own that
 * the scenario waits for. Both servers check every 100 ms ({@code znode.container.checkIntervalMs}); since a
 * leftover empty container would be reaped in the middle of a later scenario, each scenario has fresh servers.
 */
class ContainerDiffTest {
    private static final long CHECK_INTERVAL_MS = 100;
    private static final long WAIT_MS = 20_000;

    private static Differential.Config reaping() {
        return Differential.Config.defaults().withContainerCheckIntervalMs(CHECK_INTERVAL_MS);
    }

    @Test
    void container_goesWhenItsLastChildGoes_neverUsedOneStays(TestInfo info) {
        Differential.fresh(reaping(), info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.create2(p + "/c", "", CONTAINER);
            c.create2(p + "/never", "", CONTAINER);
            c.create2(p + "/deep", "", CONTAINER);
            c.create2(p + "/deep/k", "", PERSISTENT);
            c.create2(p + "/deep/k/g", "", PERSISTENT);
            c.create2(p + "/c/k1", "", PERSISTENT);
            c.create2(p + "/c/k2", "", EPHEMERAL);
            c.exists(p + "/c", c.w("c"));
            c.delete(p + "/c/k1", -1);
            c.getChildren2(p + "/c", null);
            c.delete(p + "/c/k2", -1);
            c.awaitEvent("c", WAIT_MS);
            // a grandchild going leaves the container with its child; the never-used one has had its chances
            c.delete(p + "/deep/k/g", -1);
            c.getChildren2(p, null);
            c.exists(p + "/never", null);
            c.exists(p + "/deep", c.w("deep"));
            c.delete(p + "/deep/k", -1);
            c.awaitEvent("deep", WAIT_MS);
            c.getChildren2(p, null);
        });
    }

    @Test
    void container_severalEmptiedAtOnce_areReapedInZooKeepersOrder(TestInfo info) {
        Differential.fresh(reaping(), info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            String[] names = {"q", "container-b", "x1", "lock", "c", "leader", "queue-7", "z"};
            List<Op> emptyAll = new ArrayList<>();
            for (String name : names) {
                c.create(p + "/" + name, "", CONTAINER);
                c.create(p + "/" + name + "/child", "", PERSISTENT);
                emptyAll.add(Op.delete(p + "/" + name + "/child", -1));
            }
            c.addWatch(p, c.w("recursive"), AddWatchMode.PERSISTENT_RECURSIVE);
            c.multi(emptyAll);
            // each name: its child's NodeDeleted from the multi, then its own from the reaper
            for (int i = 0; i < 2 * names.length; i++) {
                c.awaitEvent("recursive", WAIT_MS);
            }
            c.getChildren2(p, null);
        });
    }

    @Test
    void container_sequentialAndEphemeralChildren_andSessionClose(TestInfo info) {
        Differential.fresh(reaping(), info, env -> {
            Client c1 = env.client("c1");
            Client c2 = env.client("c2");
            String p = env.prefix(c1);
            c1.create2(p + "/c", "", CONTAINER);
            c2.create2(p + "/c/lock-", "", EPHEMERAL_SEQUENTIAL);
            c2.create2(p + "/c/lock-", "", EPHEMERAL_SEQUENTIAL);
            c1.getChildren2(p + "/c", null);
            c1.exists(p + "/c", c1.w("c"));
            c2.closeSession();
            c1.awaitEvent("c", WAIT_MS);
            c1.getChildren2(p, null);
        });
    }

    @Test
    void curator_createsWithCreate2_andParentsAsContainers(TestInfo info) {
        Differential.fresh(reaping(), info, env -> {
            Client c = env.client("c1");
            CuratorFramework curator = env.curator();
            String p = env.prefix(c);
            Stat stat = new Stat();
            String made = curator.create().storingStatIn(stat).forPath(p + "/plain", Client.bytes("data"));
            env.note("curator", "create ", made, " ", Render.stat(stat));
            stat = new Stat();
            made = curator.create().creatingParentContainersIfNeeded().storingStatIn(stat)
                    .forPath(p + "/x/y/z", Client.bytes("leaf"));
            env.note("curator", "create with parent containers ", made, " ", Render.stat(stat));
            made = curator.create().withMode(EPHEMERAL_SEQUENTIAL).forPath(p + "/x/lock-");
            env.note("curator", "create ephemeral sequential ", made);
            try {
                curator.create().forPath(p + "/plain");
            } catch (KeeperException e) {
                env.note("curator", "create again: ", Render.code(e.code().intValue()));
            }
            for (String path : new String[] {p + "/plain", p + "/x", p + "/x/y", p + "/x/y/z"}) {
                c.getData(path, null);
            }
            c.exists(p + "/x/y", c.w("y"));
            c.exists(p + "/x", c.w("x"));
            curator.delete().forPath(p + "/x/y/z");
            c.awaitEvent("y", WAIT_MS);
            c.exists(p + "/x", null);
            curator.delete().forPath(made);
            c.awaitEvent("x", WAIT_MS);
            c.getChildren2(p, null);
        });
    }

    @Test
    void ttl_nodeShowsOwnerZero_andGoesAfterItsTtl(TestInfo info) {
        Differential.fresh(reaping().withExtendedTypes(), info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.createTtl(p + "/ttl", "t", PERSISTENT_WITH_TTL, 300);
            c.createTtl(p + "/seq-", "s", PERSISTENT_SEQUENTIAL_WITH_TTL, 300);
            c.createTtl(p + "/parent", "", PERSISTENT_WITH_TTL, 300);
            c.create2(p + "/parent/child", "", PERSISTENT);
            c.getData(p + "/ttl", c.w("ttl"));
            c.getData(p + "/seq-0000000001", c.w("seq"));
            c.exists(p + "/parent", null);
            c.awaitEvent("ttl", WAIT_MS);
            c.awaitEvent("seq", WAIT_MS);
            // a TTL node with a child outlives its TTL; once the child goes, it goes too
            c.getChildren2(p, null);
            c.exists(p + "/parent", c.w("parent"));
            c.delete(p + "/parent/child", -1);
            c.awaitEvent("parent", WAIT_MS);
            c.getChildren2(p, null);
        });
    }

    @Test
    void ttl_withoutExtendedTypes_isUnimplemented(TestInfo info) {
        Differential.fresh(Differential.Config.defaults(), info, env -> {
            Client c = env.client("c1");
            String p = env.prefix(c);
            c.createTtl(p + "/ttl", "t", PERSISTENT_WITH_TTL, 1000);
            c.create2(p + "/after", "", PERSISTENT);
        });
    }
}
