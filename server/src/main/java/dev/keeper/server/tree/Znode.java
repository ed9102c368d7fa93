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
 * nodes ({@link Children}) and there is no path-keyed map: lookups walk the tree. Nodes with an owner
 * (ephemerals, containers, TTL nodes) are the {@link Owned} subclass, so plain nodes carry no owner field.
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
    long pzxid;
    int version;
    /** The persisted cversion: the count of child creates. Clients see {@link #clientCversion()}. */
    int cversion;
    int aversion;
    int acl;
    Children children;

    Znode(byte[] name, byte[] data, int acl, long zxid, long time) {
        this.name = name;
        this.data = data;
        this.acl = acl;
        this.czxid = zxid;
        this.mzxid = zxid;
        this.pzxid = zxid;
        this.ctime = time;
        this.mtime = time;
    }

    static Znode create(byte[] name, byte[] data, int acl, long owner, long zxid, long time) {
        return owner == 0 ? new Znode(name, data, acl, zxid, time) : new Owned(name, data, acl, owner, zxid, time);
    }

    /** A znode with a non-zero {@code ephemeralOwner}: a session id, or a container or TTL marker. */
    static final class Owned extends Znode {
        final long owner;

        Owned(byte[] name, byte[] data, int acl, long owner, long zxid, long time) {
            super(name, data, acl, zxid, time);
            this.owner = owner;
        }

        @Override
        public long ephemeralOwner() {
            return owner;
        }
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
        return cversion;
    }

    @Override
    public int aversion() {
        return aversion;
    }

    public long mzxid() {
        return mzxid;
    }

    public long pzxid() {
        return pzxid;
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
        return children == null ? 0 : children.size();
    }

    public Children children() {
        return children;
    }

    /**
     * The cversion a client sees: creates plus deletes. ZooKeeper persists only the count of creates and
     * derives the rest as {@code 2 * creates - numChildren} ({@code DataNode.copyStat}).
     */
    public int clientCversion() {
        return cversion * 2 - numChildren();
    }

    /** Fills a client {@link Stat}, as {@code DataNode.copyStat} does. */
    public Stat stat(boolean extendedTypesEnabled) {
        return new Stat(czxid, mzxid, ctime, mtime, version, clientCversion(), aversion,
                EphemeralType.clientOwner(ephemeralOwner(), extendedTypesEnabled),
                data == null ? 0 : data.length, numChildren(), pzxid);
    }

    /** The persisted stat, as snapshots store it. */
    public StatPersisted statPersisted() {
        return new StatPersisted(czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner(), pzxid);
    }
}
