package dev.keeper.server.op;

import dev.keeper.server.tree.EphemeralType;
import dev.keeper.server.tree.NodeState;
import dev.keeper.server.tree.TreeView;
import dev.keeper.server.tree.ZPath;
import dev.keeper.wire.OpCode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.SetACLTxn;
import org.apache.zookeeper.txn.SetDataTxn;

/**
 * The tree as the later ops of a multi must see it: the live tree with the earlier ops' effects laid over it,
 * as ZooKeeper's outstanding {@code ChangeRecord}s do. Only what checks read is tracked: existence, versions,
 * the child count and create count, the owner, the ACL and the data. Discarded when the multi is prepared; the
 * tree itself changes only when the finished transaction is applied.
 */
final class Pending implements TreeView {
    private record Node(int version, int cversion, int aversion, long ephemeralOwner, int numChildren, byte[] data,
            List<ACL> acl) implements NodeState {
    }

    private static final Node DELETED = new Node(0, 0, 0, 0, 0, null, null);

    private final TreeView base;
    private final Map<String, Node> overlay = new HashMap<>();

    Pending(TreeView base) {
        this.base = base;
    }

    @Override
    public NodeState get(String path) {
        Node n = overlay.get(path);
        if (n == DELETED) {
            return null;
        }
        return n != null ? n : base.get(path);
    }

    @Override
    public List<ACL> acl(NodeState node) {
        return node instanceof Node n ? n.acl() : base.acl(node);
    }

    @Override
    public dev.keeper.server.tree.QuotaUse quota(String path) {
        return base.quota(path);
    }

    @Override
    public boolean extendedTypesEnabled() {
        return base.extendedTypesEnabled();
    }

    private Node copy(String path) {
        NodeState s = get(path);
        return s instanceof Node n ? n
                : new Node(s.version(), s.cversion(), s.aversion(), s.ephemeralOwner(), s.numChildren(), s.data(),
                        base.acl(s));
    }

    /** Lays one prepared sub-transaction's effect over the view. */
    void record(Prepared p, long sessionId) {
        Record t = p.txn();
        switch (p.type()) {
            case OpCode.CREATE, OpCode.CREATE2 -> {
                CreateTxn c = (CreateTxn) t;
                created(c.getPath(), c.getData(), c.getAcl(), c.getEphemeral() ? sessionId : 0,
                        c.getParentCVersion());
            }
            case OpCode.CREATE_CONTAINER -> {
                CreateContainerTxn c = (CreateContainerTxn) t;
                created(c.getPath(), c.getData(), c.getAcl(), EphemeralType.CONTAINER_OWNER, c.getParentCVersion());
            }
            case OpCode.CREATE_TTL -> {
                CreateTTLTxn c = (CreateTTLTxn) t;
                created(c.getPath(), c.getData(), c.getAcl(), EphemeralType.ttlOwner(c.getTtl()),
                        c.getParentCVersion());
            }
            case OpCode.DELETE -> {
                String path = ((DeleteTxn) t).getPath();
                String parent = ZPath.parent(path);
                Node pn = copy(parent);
                overlay.put(parent, new Node(pn.version(), pn.cversion(), pn.aversion(), pn.ephemeralOwner(),
                        pn.numChildren() - 1, pn.data(), pn.acl()));
                overlay.put(path, DELETED);
            }
            case OpCode.SET_DATA -> {
                SetDataTxn s = (SetDataTxn) t;
                Node n = copy(s.getPath());
                overlay.put(s.getPath(), new Node(s.getVersion(), n.cversion(), n.aversion(), n.ephemeralOwner(),
                        n.numChildren(), s.getData(), n.acl()));
            }
            case OpCode.SET_ACL -> {
                SetACLTxn s = (SetACLTxn) t;
                Node n = copy(s.getPath());
                overlay.put(s.getPath(), new Node(n.version(), n.cversion(), s.getVersion(), n.ephemeralOwner(),
                        n.numChildren(), n.data(), s.getAcl()));
            }
            default -> {
                // check changes nothing
            }
        }
    }

    private void created(String path, byte[] data, List<ACL> acl, long owner, int parentCVersion) {
        String parent = ZPath.parent(path);
        Node pn = copy(parent);
        overlay.put(parent, new Node(pn.version(), parentCVersion, pn.aversion(), pn.ephemeralOwner(),
                pn.numChildren() + 1, pn.data(), pn.acl()));
        overlay.put(path, new Node(0, 0, 0, owner, 0, data, acl));
    }
}
