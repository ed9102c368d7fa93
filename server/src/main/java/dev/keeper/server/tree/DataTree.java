package dev.keeper.server.tree;

import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.Jute;
import dev.keeper.wire.OpCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.txn.CheckVersionTxn;
import org.apache.zookeeper.txn.CloseSessionTxn;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.ErrorTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetACLTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.Txn;
import org.apache.zookeeper.txn.TxnHeader;

/**
 * The znode tree, and {@link #apply} — the one place it changes.
 *
 * <p>{@code apply} reads only the transaction: never the clock, the configuration or a connection, so replaying
 * a log from a snapshot rebuilds the same tree. It mirrors {@code DataTree.processTxn}, including what ZooKeeper
 * does when a transaction meets a tree that is already ahead of it (a fuzzy snapshot): a create of an existing
 * node fails with NodeExists but still raises the parent's cversion, and a delete of a missing node still moves
 * the parent's pzxid.
 *
 * <p>Also tracked here, because they follow from transactions: each session's ephemerals, the containers and
 * TTL nodes, and the sessions with their timeouts (ZooKeeper's {@code ZKDatabase.sessionsWithTimeouts}).
 *
 * <p>Owned by the processor thread.
 *
 * <p>Around 600 lines, longer than a file should be: {@code apply} and the per-type steps it dispatches to are
 * one unit that reads best in one place, and restoring from a snapshot builds the same private structures.
 */
public final class DataTree implements TreeView {
    private final boolean extendedTypesEnabled;
    private final AclCache acls = new AclCache();
    private final Znode.Parent root = new Znode.Parent(new byte[0], new byte[0], AclCache.OPEN_UNSAFE_ID, 0, 0);
    private final Map<Long, Set<String>> ephemerals = new HashMap<>();
    private final Set<String> containers = new LinkedHashSet<>();
    private final Set<String> ttls = new LinkedHashSet<>();
    private final Map<Long, Integer> sessions = new HashMap<>();
    private final Quotas quotas = new Quotas(this);
    private long nodeCount = 1;
    private long dataSize;
    private long lastZxid;

    public DataTree(boolean extendedTypesEnabled) {
        this.extendedTypesEnabled = extendedTypesEnabled;
        // The built-in nodes exactly as ZooKeeper's DataTree constructor makes them: zero stats, the open ACL,
        // and /zookeeper/config set READ-only with aversion -1 (its setACL passes version -1).
        Znode.Parent zookeeper = addBuiltIn(root, "zookeeper");
        addBuiltIn(zookeeper, "quota");
        Znode config = addBuiltIn(zookeeper, "config");
        config.acl = acls.acquire(AclCache.READ_ACL_UNSAFE);
        config.aversion = -1;
        // ZooKeeper's approximate data size is each path's length plus its data's, over its path map: the root
        // counts as "" and again as "/", and the built-in nodes count too
        dataSize = "".length() + "/".length() + "/zookeeper".length() + "/zookeeper/quota".length()
                + "/zookeeper/config".length();
    }

    /**
     * An ensemble member's configuration in {@code /zookeeper/config}, set without a transaction when the member
     * starts or takes a snapshot, as ZooKeeper's {@code ZKDatabase.initConfigInZKDatabase} sets it: data, version
     * −1, mzxid the configuration's version (0 for a static one), mtime now.
     */
    public void setConfigNode(byte[] data, long configVersion, long time) {
        Znode config = find("/zookeeper/config");
        if (config == null) {
            return;
        }
        dataSize += length(data) - length(config.data);
        config.data = data;
        config.version = -1;
        config.mzxid = configVersion;
        config.mtime = time;
    }

    private Znode.Parent addBuiltIn(Znode.Parent parent, String name) {
        Znode.Parent z = new Znode.Parent(name.getBytes(StandardCharsets.UTF_8), new byte[0],
                AclCache.OPEN_UNSAFE_ID, 0, 0);
        parent.childTable().add(z);
        nodeCount++;
        return z;
    }

    @Override
    public NodeState get(String path) {
        return find(path);
    }

    @Override
    public List<ACL> acl(NodeState node) {
        return acls.get(((Znode) node).acl);
    }

    /** Quota limits and usage per top-level namespace, for mntr's {@code quota_*_per_namespace} keys. */
    public java.util.Collection<QuotaTotals> quotaTotals() {
        return quotas.totals();
    }

    @Override
    public QuotaUse quota(String path) {
        return quotas.use(path);
    }

    @Override
    public boolean extendedTypesEnabled() {
        return extendedTypesEnabled;
    }

    public AclCache acls() {
        return acls;
    }

    public List<ACL> aclOf(Znode z) {
        return acls.get(z.acl);
    }

    /**
     * True when {@code z} came from a snapshot whose ACL table lacks its list: a fuzzy snapshot's node that the
     * log after it sets again. Left so, reading its ACL fails, as ZooKeeper's {@code convertLong} does.
     */
    public boolean aclMissing(Znode z) {
        return AclCache.missing(z.acl);
    }

    public long lastZxid() {
        return lastZxid;
    }

    /** Sets the zxid a loaded snapshot or log stopped at. */
    public void setLastZxid(long zxid) {
        this.lastZxid = zxid;
    }

    public long nodeCount() {
        return nodeCount;
    }

    /**
     * The node count ZooKeeper reports (srvr's "Node count", mntr's znode_count, the admin node_count, a snapshot
     * dump's count): {@code DataTree.getNodeCount} is the size of its path map, which holds the root twice, under ""
     * and "/", so it is one more than the nodes there are.
     */
    public long reportedNodeCount() {
        return nodeCount + 1;
    }

    public long approximateDataSize() {
        return dataSize;
    }

    public Map<Long, Integer> sessions() {
        return Collections.unmodifiableMap(sessions);
    }

    public Set<String> containers() {
        return Collections.unmodifiableSet(containers);
    }

    public Set<String> ttls() {
        return Collections.unmodifiableSet(ttls);
    }

    public Set<String> ephemerals(long session) {
        Set<String> s = ephemerals.get(session);
        return s == null ? Set.of() : Collections.unmodifiableSet(s);
    }

    public Map<Long, Set<String>> allEphemerals() {
        return Collections.unmodifiableMap(ephemerals);
    }

    public int ephemeralCount() {
        int n = 0;
        for (Set<String> s : ephemerals.values()) {
            n += s.size();
        }
        return n;
    }

    public Znode root() {
        return root;
    }

    /** The node at {@code path}, or null. "" is ZooKeeper's alias for the root. */
    public Znode find(String path) {
        return find(path.getBytes(StandardCharsets.UTF_8));
    }

    /** The node at a path given as its UTF-8 bytes ("" and "/" being the root), or null; allocates nothing. */
    public Znode find(byte[] p) {
        return find(p, p.length);
    }

    /** The node at the path held in the first {@code length} bytes of {@code p}; allocates nothing. */
    public Znode find(byte[] p, int length) {
        if (length <= 1) {
            return length == 0 || p[0] == '/' ? root : null;
        }
        if (p[0] != '/' || p[length - 1] == '/') {
            return null;
        }
        Znode cur = root;
        int pos = 1;
        while (pos <= length) {
            int end = pos;
            while (end < length && p[end] != '/') {
                end++;
            }
            Children kids = cur.children();
            if (end == pos || kids == null) {
                return null;
            }
            cur = kids.get(p, pos, end);
            if (cur == null) {
                return null;
            }
            pos = end + 1;
        }
        return cur;
    }

    /** {@code parent}'s child called {@code name} (UTF-8), or null. */
    public Znode child(Znode parent, byte[] name) {
        Children kids = parent.children();
        return kids == null ? null : kids.get(name, 0, name.length);
    }

    /**
     * The UTF-8 names of a node's children, in no particular order: the nodes' own arrays, shared, which nothing
     * ever writes to. One array for the list, none per name: the snapshot walk lists every parent in the tree.
     */
    public byte[][] childNameBytes(Znode z) {
        Children kids = z.children();
        if (kids == null) {
            return new byte[0][];
        }
        byte[][] names = new byte[kids.size()][];
        int[] i = new int[1];
        kids.forEach(c -> names[i[0]++] = c.name);
        return names;
    }

    /** The names of a node's children, in no particular order (ZooKeeper's come from a HashSet). */
    public List<String> childNames(Znode z) {
        Children kids = z.children();
        if (kids == null) {
            return new ArrayList<>(0);
        }
        List<String> names = new ArrayList<>(kids.size());
        kids.forEach(c -> names.add(new String(c.name, StandardCharsets.UTF_8)));
        return names;
    }

    /** Every node under {@code path} (not counting the node itself), as {@code getAllChildrenNumber} counts. */
    public int descendantCount(Znode z) {
        if (z == root) {
            // ZooKeeper's count leaves out the root's two map keys, "" and "/", not the root's children.
            return (int) nodeCount - 1;
        }
        int[] count = {-1};
        forEachInSubtree(z, n -> count[0]++);
        return count[0];
    }

    /**
     * Visits {@code top} and every node below it, parents before children. Iterative, with a stack on the heap:
     * a chain of nodes may be as deep as a path may be long (jute.maxbuffer), far deeper than a thread's stack.
     */
    public static void forEachInSubtree(Znode top, java.util.function.Consumer<Znode> visit) {
        java.util.ArrayDeque<Znode> pending = new java.util.ArrayDeque<>();
        pending.push(top);
        while (!pending.isEmpty()) {
            Znode z = pending.pop();
            visit.accept(z);
            Children kids = z.children();
            if (kids != null) {
                kids.forEach(pending::push);
            }
        }
    }

    public Stat stat(Znode z) {
        return z.stat(extendedTypesEnabled);
    }

    public EphemeralType typeOf(long owner) {
        return EphemeralType.of(owner, extendedTypesEnabled);
    }

    // ---------------------------------------------------------------------------------------------------
    // Restore: building a tree from a snapshot, before any transaction is applied

    /** Starts loading a snapshot into this fresh tree: its ACL table replaces the built-in one. */
    public void beginRestore() {
        acls.clear();
    }

    /** Restores one ACL list, under a number of ours for its snapshot number. */
    public void restoreAcl(long id, List<ACL> acl) {
        acls.restore(id, acl);
    }

    /**
     * Restores one node read from a snapshot. Snapshots list nodes parent first; the root comes first, as "".
     * Returns false if the node's parent is missing, which makes the snapshot invalid. {@code aclId} is the
     * snapshot's number, a long (ZooKeeper's may exceed the int range), mapped to ours.
     */
    public boolean restoreNode(String path, byte[] data, long aclId, org.apache.zookeeper.data.StatPersisted st) {
        int acl = acls.restoredId(aclId);
        if (path.isEmpty() || "/".equals(path)) {
            setStat(root, st);
            root.data = data;
            root.acl = acl;
            acls.addUse(acl);
            return true;
        }
        String parentPath = ZPath.parent(path);
        Znode found = find(parentPath);
        if (found == null) {
            return false;
        }
        Znode.Parent parent = asParent(parentPath, found);
        byte[] name = ZPath.name(path).getBytes(StandardCharsets.UTF_8);
        Znode builtIn = parent.children == null ? null : parent.children.get(name, 0, name.length);
        boolean needsParent = st.getCversion() != 0 || st.getPzxid() != st.getCzxid()
                || (builtIn != null && builtIn.numChildren() > 0);
        Znode z = Znode.create(name, data, acl, st.getEphemeralOwner(), st.getCzxid(), st.getCtime());
        if (needsParent) {
            z = z.toParent();
        }
        setStat(z, st);
        if (builtIn != null) {
            // The built-in /zookeeper nodes exist already; the snapshot's copy replaces them.
            parent.children.remove(name, 0, name.length);
            if (builtIn.numChildren() > 0) {
                ((Znode.Parent) z).children = builtIn.children();
            }
            nodeCount--;
            dataSize -= path.length() + length(builtIn.data);
        }
        parent.childTable().add(z);
        acls.addUse(acl);
        nodeCount++;
        dataSize += path.length() + length(data);
        track(path, st.getEphemeralOwner());
        return true;
    }

    private static void setStat(Znode z, org.apache.zookeeper.data.StatPersisted st) {
        z.czxid = st.getCzxid();
        z.mzxid = st.getMzxid();
        z.ctime = st.getCtime();
        z.mtime = st.getMtime();
        z.version = st.getVersion();
        z.aversion = st.getAversion();
        if (z instanceof Znode.Parent p) {
            p.cversion = st.getCversion();
            p.pzxid = st.getPzxid();
        }
    }

    public void restoreSession(long id, int timeout) {
        sessions.put(id, timeout);
    }

    /** After a snapshot is loaded: drops ACL lists no node uses, as ZooKeeper's {@code purgeUnused}. */
    public void finishRestore() {
        acls.purgeUnused();
        quotas.rebuild();
    }

    /**
     * Deletes the ephemerals of sessions the tree does not know, as ZooKeeper does after loading
     * ({@code ZooKeeperServer.loadData}: "Clean up dead sessions"), at the last zxid and without a transaction.
     */
    public void killDeadSessions() {
        List<Long> dead = new ArrayList<>();
        for (Long owner : ephemerals.keySet()) {
            if (!sessions.containsKey(owner)) {
                dead.add(owner);
            }
        }
        for (Long owner : dead) {
            for (String p : new ArrayList<>(ephemerals.get(owner))) {
                delete(p, lastZxid, new ArrayList<>());
            }
            ephemerals.remove(owner);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // apply: the one mutator

    /** Applies one transaction; never throws for a transaction the tree cannot honour, reports it in err. */
    public Applied apply(TxnHeader hdr, Record txn) {
        List<Change> changes = new ArrayList<>(2);
        Applied a = applyOne(hdr, txn, changes);
        if (hdr.getZxid() > lastZxid) {
            lastZxid = hdr.getZxid();
        }
        return changes.isEmpty() ? a : new Applied(a.type(), a.zxid(), a.err(), a.path(), a.stat(), a.multi(), changes);
    }

    private Applied applyOne(TxnHeader hdr, Record txn, List<Change> changes) {
        long zxid = hdr.getZxid();
        int type = hdr.getType();
        switch (type) {
            case OpCode.CREATE, OpCode.CREATE2 -> {
                CreateTxn t = (CreateTxn) txn;
                long owner = t.getEphemeral() ? hdr.getClientId() : 0;
                return create(type, zxid, hdr.getTime(), t.getPath(), t.getData(), t.getAcl(), owner,
                        t.getParentCVersion(), changes);
            }
            case OpCode.CREATE_CONTAINER -> {
                CreateContainerTxn t = (CreateContainerTxn) txn;
                return create(type, zxid, hdr.getTime(), t.getPath(), t.getData(), t.getAcl(),
                        EphemeralType.CONTAINER_OWNER, t.getParentCVersion(), changes);
            }
            case OpCode.CREATE_TTL -> {
                CreateTTLTxn t = (CreateTTLTxn) txn;
                return create(type, zxid, hdr.getTime(), t.getPath(), t.getData(), t.getAcl(),
                        EphemeralType.ttlOwner(t.getTtl()), t.getParentCVersion(), changes);
            }
            case OpCode.DELETE, OpCode.DELETE_CONTAINER -> {
                String path = ((DeleteTxn) txn).getPath();
                return result(type, zxid, delete(path, zxid, changes), path, null);
            }
            case OpCode.SET_DATA, OpCode.RECONFIG -> {
                // reconfig: a setData of /zookeeper/config with version −1, as ZooKeeper's DataTree applies it
                SetDataTxn t = (SetDataTxn) txn;
                Znode z = find(t.getPath());
                if (z == null) {
                    return result(type, zxid, ErrorCode.NO_NODE, t.getPath(), null);
                }
                long diff = length(t.getData()) - length(z.data);
                dataSize += diff;
                z.data = t.getData();
                quotas.dataChanged(t.getPath(), diff);
                z.version = t.getVersion();
                z.mtime = hdr.getTime();
                z.mzxid = zxid;
                changes.add(new Change(Change.Kind.DATA_CHANGED, t.getPath(), acls.get(z.acl), null, null,
                        length(z.data)));
                return result(type, zxid, ErrorCode.OK, t.getPath(), stat(z));
            }
            case OpCode.SET_ACL -> {
                SetACLTxn t = (SetACLTxn) txn;
                Znode z = find(t.getPath());
                if (z == null) {
                    return result(type, zxid, ErrorCode.NO_NODE, t.getPath(), null);
                }
                acls.release(z.acl);
                z.acl = acls.acquire(t.getAcl());
                z.aversion = t.getVersion();
                return result(type, zxid, ErrorCode.OK, t.getPath(), stat(z));
            }
            case OpCode.CREATE_SESSION -> {
                sessions.put(hdr.getClientId(), ((CreateSessionTxn) txn).getTimeOut());
                return result(type, zxid, ErrorCode.OK, null, null);
            }
            case OpCode.CLOSE_SESSION -> {
                closeSession(hdr.getClientId(), zxid, txn == null ? null : ((CloseSessionTxn) txn).getPaths2Delete(),
                        changes);
                return result(type, zxid, ErrorCode.OK, null, null);
            }
            case OpCode.ERROR -> {
                return result(type, zxid, ((ErrorTxn) txn).getErr(), null, null);
            }
            case OpCode.CHECK -> {
                return result(type, zxid, ErrorCode.OK, ((CheckVersionTxn) txn).getPath(), null);
            }
            case OpCode.MULTI -> {
                return multi(hdr, (MultiTxn) txn, changes);
            }
            default -> throw new IllegalArgumentException("unknown txn type " + type);
        }
    }

    private Applied result(int type, long zxid, int err, String path, Stat stat) {
        return new Applied(type, zxid, err, path, stat, null, List.of());
    }

    private Applied create(int type, long zxid, long time, String path, byte[] data, List<ACL> acl, long owner,
            int parentCVersion, List<Change> changes) {
        String parentPath = ZPath.parent(path);
        Znode found = find(parentPath);
        if (found == null) {
            return result(type, zxid, ErrorCode.NO_NODE, path, null);
        }
        Znode.Parent parent = asParent(parentPath, found);
        int aclId = acls.acquire(acl);
        byte[] name = ZPath.name(path).getBytes(StandardCharsets.UTF_8);
        Znode existing = parent.children == null ? null : parent.children.get(name, 0, name.length);
        if (existing != null) {
            // As ZooKeeper: the existing node takes the new ACL number, and a plain create replayed over a
            // fuzzy snapshot still raises the parent's cversion and pzxid (processTxn's NODEEXISTS branch).
            existing.acl = aclId;
            if (type == OpCode.CREATE) {
                raiseCversion(parent, parentCVersion, zxid);
            }
            return result(type, zxid, ErrorCode.NODE_EXISTS, path, null);
        }
        raiseCversion(parent, parentCVersion, zxid);
        Znode child = Znode.create(name, data, aclId, owner, zxid, time);
        parent.childTable().add(child);
        nodeCount++;
        dataSize += path.length() + length(data);
        track(path, owner);
        quotas.created(path, parentPath, ZPath.name(path), length(data));
        changes.add(new Change(Change.Kind.CREATED, path, acl, parentPath.isEmpty() ? "/" : parentPath,
                acls.get(parent.acl), length(data)));
        return result(type, zxid, ErrorCode.OK, path, type == OpCode.CREATE ? null : stat(child));
    }

    /** A create's new parent cversion (−1: one more than now), applied only if it is higher, with the pzxid. */
    private static void raiseCversion(Znode.Parent parent, int parentCVersion, long zxid) {
        int cv = parentCVersion == -1 ? parent.cversion + 1 : parentCVersion;
        if (cv > parent.cversion) {
            parent.cversion = cv;
            parent.pzxid = zxid;
        }
    }

    /**
     * {@code z}, at {@code path}, as a node that can keep children: a leaf is replaced in its parent's table by
     * a {@link Znode.Parent} copy the first time it needs to be one.
     */
    private Znode.Parent asParent(String path, Znode z) {
        if (z instanceof Znode.Parent p) {
            return p;
        }
        Znode.Parent p = z.toParent();
        Znode grand = find(ZPath.parent(path));
        grand.children().replace(p);
        return p;
    }

    private void track(String path, long owner) {
        switch (typeOf(owner)) {
            case CONTAINER -> containers.add(path);
            case TTL -> ttls.add(path);
            // A HashSet, as ZooKeeper's DataTree keeps them: closing a session deletes its ephemerals in this
            // set's order (the closeSession txn lists them so), and watchers see the NodeDeleted events so.
            case NORMAL -> ephemerals.computeIfAbsent(owner, k -> new HashSet<>()).add(path);
            case VOID -> {
            }
        }
    }

    private void untrack(String path, long owner) {
        switch (typeOf(owner)) {
            case CONTAINER -> containers.remove(path);
            case TTL -> ttls.remove(path);
            case NORMAL -> {
                // The emptied set stays until the session closes, as in ZooKeeper: a set that grew keeps its
                // capacity, and with it the order later ephemerals of the session are listed in.
                Set<String> s = ephemerals.get(owner);
                if (s != null) {
                    s.remove(path);
                }
            }
            case VOID -> {
            }
        }
    }

    private int delete(String path, long zxid, List<Change> changes) {
        String parentPath = ZPath.parent(path);
        Znode found = find(parentPath);
        if (found == null) {
            return ErrorCode.NO_NODE;
        }
        Znode.Parent parent = asParent(parentPath, found);
        byte[] name = ZPath.name(path).getBytes(StandardCharsets.UTF_8);
        Znode z = parent.children == null ? null : parent.children.remove(name, 0, name.length);
        // ZooKeeper moves pzxid even when the child is already gone (a fuzzy snapshot), but never backwards.
        if (zxid > parent.pzxid) {
            parent.pzxid = zxid;
        }
        if (z == null) {
            return ErrorCode.NO_NODE;
        }
        if (parent.children.size() == 0) {
            parent.children = null;
        }
        nodeCount--;
        dataSize -= path.length() + length(z.data);
        List<ACL> acl = acls.get(z.acl);
        acls.release(z.acl);
        untrack(path, z.ephemeralOwner());
        quotas.deleted(path, parentPath, ZPath.name(path), length(z.data));
        changes.add(new Change(Change.Kind.DELETED, path, acl, parentPath.isEmpty() ? "/" : parentPath,
                acls.get(parent.acl), 0));
        return ErrorCode.OK;
    }

    private void closeSession(long session, long zxid, List<String> paths, List<Change> changes) {
        sessions.remove(session);
        Set<String> local = ephemerals.remove(session);
        List<String> toDelete = new ArrayList<>();
        if (paths != null) {
            toDelete.addAll(paths);
        }
        if (local != null) {
            for (String p : local) {
                if (paths == null || !paths.contains(p)) {
                    toDelete.add(p);
                }
            }
        }
        for (String p : toDelete) {
            delete(p, zxid, changes);
        }
    }

    private Applied multi(TxnHeader hdr, MultiTxn multi, List<Change> changes) {
        List<Txn> txns = multi.getTxns();
        boolean failed = false;
        for (Txn t : txns) {
            if (t.getType() == OpCode.ERROR) {
                failed = true;
                break;
            }
        }
        // Every sub-transaction is decoded before any is applied: one that does not decode then leaves the tree
        // as it was, rather than half of the multi applied.
        int[] types = new int[txns.size()];
        Record[] records = new Record[txns.size()];
        boolean pastFailure = false;
        for (int i = 0; i < txns.size(); i++) {
            Txn t = txns.get(i);
            int subType = t.getType();
            if (subType == OpCode.ERROR) {
                pastFailure = true;
                records[i] = decode(t, new ErrorTxn());
            } else if (failed) {
                // A failed multi applies nothing: ops before the failure report OK, ops after it
                // RuntimeInconsistency, as DataTree.processTxn rewrites them.
                subType = OpCode.ERROR;
                records[i] = new ErrorTxn(pastFailure ? ErrorCode.RUNTIME_INCONSISTENCY : ErrorCode.OK);
            } else {
                records[i] = decode(t, switch (subType) {
                    case OpCode.CREATE, OpCode.CREATE2 -> new CreateTxn();
                    case OpCode.CREATE_TTL -> new CreateTTLTxn();
                    case OpCode.CREATE_CONTAINER -> new CreateContainerTxn();
                    case OpCode.DELETE, OpCode.DELETE_CONTAINER -> new DeleteTxn();
                    case OpCode.SET_DATA -> new SetDataTxn();
                    case OpCode.CHECK -> new CheckVersionTxn();
                    default -> throw new IllegalArgumentException("Invalid type of op: " + t.getType());
                });
            }
            types[i] = subType;
        }
        List<Applied> results = new ArrayList<>(txns.size());
        int err = ErrorCode.OK;
        for (int i = 0; i < txns.size(); i++) {
            TxnHeader sub = new TxnHeader(hdr.getClientId(), hdr.getCxid(), hdr.getZxid(), hdr.getTime(), types[i]);
            Applied r = applyOne(sub, records[i], changes);
            results.add(r);
            if (r.err() != ErrorCode.OK && err == ErrorCode.OK) {
                err = r.err();
            }
        }
        return new Applied(OpCode.MULTI, hdr.getZxid(), err, null, null, results, List.of());
    }

    private static <T extends Record> T decode(Txn t, T record) {
        try {
            return Jute.fromBytes(t.getData(), record);
        } catch (IOException e) {
            throw new IllegalArgumentException("undecodable sub-transaction of type " + t.getType(), e);
        }
    }

    private static int length(byte[] b) {
        return b == null ? 0 : b.length;
    }
}
