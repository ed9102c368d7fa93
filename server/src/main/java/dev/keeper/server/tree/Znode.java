package dev.keeper.server.tree;

import java.nio.charset.StandardCharsets;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.data.StatPersisted;

/**
 * One znode, laid out to be small: this is the structure a million-node tree holds a million of.
 *
 * <p>ZooKeeper's {@code DataNode} keeps a separate {@code StatPersisted} object, a {@code HashSet<String>} of
 * child names, and the full path again as the key of a global map. Here the stat fields sit in the node itself,
 * the node's own name is a UTF-8 byte array (no String wrapper), children live in an open-addressing table of
 * nodes ({@link Children}) and there is no path-keyed map: lookups walk the tree.
 *
 * <p>Most nodes of a large tree are leaves that never had a child: their pzxid is their czxid and their
 * cversion 0, so the base class stores neither, nor a children table. A node becomes a {@link Parent} — a copy
 * put in its place by {@code DataTree} — the first time a child is created or deleted under it. Nodes with an
 * owner (ephemerals, containers, TTL nodes) carry it in a subclass, so plain nodes have no owner field.
 *
 * <p>Owned by the processor thread; never touched by any other.
 */
public class Znode implements NodeState {
    final byte[] name;
    byte[] data;
    long czxid;
    long mzxid;
    long ctime;
    long mtime;
    int version;
    int aversion;
    int acl;

    Znode(byte[] name, byte[] data, int acl, long zxid, long time) {
        this.name = name;
        this.data = data;
        this.acl = acl;
        this.czxid = zxid;
        this.mzxid = zxid;
        this.ctime = time;
        this.mtime = time;
    }

    static Znode create(byte[] name, byte[] data, int acl, long owner, long zxid, long time) {
        return owner == 0 ? new Znode(name, data, acl, zxid, time) : new Owned(name, data, acl, owner, zxid, time);
    }

    /** A leaf with a non-zero {@code ephemeralOwner}: a session id, or a container or TTL marker. */
    static final class Owned extends Znode {
        private final long owner;

        Owned(byte[] name, byte[] data, int acl, long owner, long zxid, long time) {
            super(name, data, acl, zxid, time);
            this.owner = owner;
        }

        @Override
        public long ephemeralOwner() {
            return owner;
        }
    }

    /** A node that has had children: it keeps its pzxid, its count of child creates and its children. */
    static class Parent extends Znode {
        long pzxid;
        /** The persisted cversion: the count of child creates. Clients see {@link #clientCversion()}. */
        int cversion;
        Children children;

        Parent(byte[] name, byte[] data, int acl, long zxid, long time) {
            super(name, data, acl, zxid, time);
            this.pzxid = zxid;
        }

        @Override
        public long pzxid() {
            return pzxid;
        }

        @Override
        public int cversion() {
            return cversion;
        }

        @Override
        public int numChildren() {
            return children == null ? 0 : children.size();
        }

        @Override
        public Children children() {
            return children;
        }

        Children childTable() {
            if (children == null) {
                children = new Children();
            }
            return children;
        }
    }

    /** A parent with an owner: a container, or a TTL node, with children. */
    static final class OwnedParent extends Parent {
        private final long owner;

        OwnedParent(byte[] name, byte[] data, int acl, long owner, long zxid, long time) {
            super(name, data, acl, zxid, time);
            this.owner = owner;
        }

        @Override
        public long ephemeralOwner() {
            return owner;
        }
    }

    /** A parent copy of this node, with every field kept, to take its place in the tree. */
    Parent toParent() {
        long owner = ephemeralOwner();
        Parent p = owner == 0 ? new Parent(name, data, acl, czxid, ctime)
                : new OwnedParent(name, data, acl, owner, czxid, ctime);
        p.mzxid = mzxid;
        p.mtime = mtime;
        p.version = version;
        p.aversion = aversion;
        p.pzxid = pzxid();
        p.cversion = cversion();
        return p;
    }

    @Override
    public long ephemeralOwner() {
        return 0;
    }

    public String name() {
        return new String(name, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] data() {
        return data;
    }

    @Override
    public int version() {
        return version;
    }

    @Override
    public int cversion() {
        return 0;
    }

    @Override
    public int aversion() {
        return aversion;
    }

    public long mzxid() {
        return mzxid;
    }

    public long pzxid() {
        return czxid;
    }

    public long czxid() {
        return czxid;
    }

    public long ctime() {
        return ctime;
    }

    public long mtime() {
        return mtime;
    }

    public int aclId() {
        return acl;
    }

    @Override
    public int numChildren() {
        return 0;
    }

    /** The children table, or null for a node without children. */
    public Children children() {
        return null;
    }

    /**
     * The cversion a client sees: creates plus deletes. ZooKeeper persists only the count of creates and
     * derives the rest as {@code 2 * creates - numChildren} ({@code DataNode.copyStat}).
     */
    public int clientCversion() {
        return cversion() * 2 - numChildren();
    }

    /** Fills a client {@link Stat}, as {@code DataNode.copyStat} does. */
    public Stat stat(boolean extendedTypesEnabled) {
        return new Stat(czxid, mzxid, ctime, mtime, version, clientCversion(), aversion,
                EphemeralType.clientOwner(ephemeralOwner(), extendedTypesEnabled),
                data == null ? 0 : data.length, numChildren(), pzxid());
    }

    /** The persisted stat, as snapshots store it. */
    public StatPersisted statPersisted() {
        return statPersisted(new StatPersisted());
    }

    /** The persisted stat, written into {@code into} (the snapshot walk reuses one for every node). */
    public StatPersisted statPersisted(StatPersisted into) {
        into.setCzxid(czxid);
        into.setMzxid(mzxid);
        into.setCtime(ctime);
        into.setMtime(mtime);
        into.setVersion(version);
        into.setCversion(cversion());
        into.setAversion(aversion);
        into.setEphemeralOwner(ephemeralOwner());
        into.setPzxid(pzxid());
        return into;
    }
}
