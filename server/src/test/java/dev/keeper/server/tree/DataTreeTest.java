package dev.keeper.server.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.OpCode;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.Test;

/** {@link DataTree#apply}: the one mutator, checked against the Stat rules ZooKeeper's DataTree follows. */
class DataTreeTest {
    private final DataTree tree = new DataTree(false);
    private long zxid;

    private Applied apply(int type, Record txn) {
        zxid++;
        return tree.apply(new TxnHeader(0x55, 1, zxid, 1000 + zxid, type), txn);
    }

    private Applied create(String path, int parentCversion) {
        return apply(OpCode.CREATE2, new CreateTxn(path, path.getBytes(), AclCache.OPEN_ACL_UNSAFE, false,
                parentCversion));
    }

    @Test
    void aMultiWithAnUndecodableSubTransaction_changesNothing() {
        byte[] create = dev.keeper.wire.Jute.toBytes(new CreateTxn("/m", new byte[0], AclCache.OPEN_ACL_UNSAFE,
                false, 1));
        org.apache.zookeeper.txn.MultiTxn multi = new org.apache.zookeeper.txn.MultiTxn(List.of(
                new org.apache.zookeeper.txn.Txn(OpCode.CREATE, create),
                new org.apache.zookeeper.txn.Txn(OpCode.SET_DATA, new byte[] {0, 0, 0, 99})));
        long nodes = tree.nodeCount();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> apply(OpCode.MULTI, multi));
        assertNull(tree.find("/m"), "the create before the broken op was not applied");
        assertEquals(nodes, tree.nodeCount());
    }

    @Test
    void aLeafTurnedParent_keepsItsStat_andCountsChildrenAsZooKeeperDoes() {
        create("/a", 1);
        apply(OpCode.SET_DATA, new SetDataTxn("/a", "v2".getBytes(), 1));
        Stat before = tree.stat(tree.find("/a"));
        assertEquals(before.getCzxid(), before.getPzxid(), "a leaf's pzxid is its czxid");
        create("/a/b", 1);
        create("/a/c", 2);
        apply(OpCode.DELETE, new DeleteTxn("/a/b"));
        Znode a = tree.find("/a");
        assertInstanceOf(Znode.Parent.class, a);
        Stat after = tree.stat(a);
        assertEquals(before.getCzxid(), after.getCzxid());
        assertEquals(before.getMzxid(), after.getMzxid());
        assertEquals(before.getCtime(), after.getCtime());
        assertEquals(before.getMtime(), after.getMtime());
        assertEquals(1, after.getVersion());
        assertEquals(2, a.cversion(), "persisted cversion counts creates");
        assertEquals(3, after.getCversion(), "client cversion is creates plus deletes");
        assertEquals(1, after.getNumChildren());
        assertEquals(zxid, after.getPzxid(), "pzxid moves on a child delete");
        assertEquals("v2", new String(tree.find("/a").data()));
    }

    @Test
    void aContainerTurnedParent_staysAContainer() {
        apply(OpCode.CREATE_CONTAINER, new CreateContainerTxn("/c", new byte[0], AclCache.OPEN_ACL_UNSAFE, 1));
        create("/c/x", 1);
        assertEquals(EphemeralType.CONTAINER_OWNER, tree.find("/c").ephemeralOwner());
        assertEquals(0, tree.stat(tree.find("/c")).getEphemeralOwner(), "clients see 0 for containers");
        assertTrue(tree.containers().contains("/c"));
    }

    @Test
    void createChangesAndDeleteChanges_nameTheNodeAndItsParent() {
        create("/p", 1);
        Applied created = create("/p/q", 1);
        assertEquals(List.of(Change.Kind.CREATED), created.changes().stream().map(Change::kind).toList());
        assertEquals("/p", created.changes().get(0).parent());
        Applied deleted = apply(OpCode.DELETE, new DeleteTxn("/p/q"));
        assertEquals(Change.Kind.DELETED, deleted.changes().get(0).kind());
        assertEquals("/p/q", deleted.changes().get(0).path());
    }

    @Test
    void replayOverAFuzzySnapshot_isHarmless() {
        create("/r", 1);
        create("/r/k", 1);
        long pzxid = tree.find("/r").pzxid();
        Applied again = apply(OpCode.CREATE, new CreateTxn("/r/k", new byte[0], AclCache.OPEN_ACL_UNSAFE, false, 2));
        assertEquals(ErrorCode.NODE_EXISTS, again.err());
        assertEquals(2, tree.find("/r").cversion(), "a replayed create still raises the parent's cversion");
        assertTrue(tree.find("/r").pzxid() > pzxid);
        apply(OpCode.DELETE, new DeleteTxn("/r/k"));
        Applied missing = apply(OpCode.DELETE, new DeleteTxn("/r/k"));
        assertEquals(ErrorCode.NO_NODE, missing.err());
        assertEquals(zxid, tree.find("/r").pzxid(), "a replayed delete of a missing child still moves pzxid");
        assertNull(tree.find("/r/k"));
    }

    @Test
    void sequentialSuffixCount_andNodeCount_areTracked() {
        create("/s", 1);
        for (int i = 0; i < 50; i++) {
            create("/s/n" + i, i + 1);
        }
        for (int i = 0; i < 50; i += 2) {
            apply(OpCode.DELETE, new DeleteTxn("/s/n" + i));
        }
        assertEquals(50, tree.find("/s").cversion());
        assertEquals(25, tree.find("/s").numChildren());
        assertEquals(4 + 1 + 25, tree.nodeCount(), "root, three built-ins, /s and its children");
    }
}
