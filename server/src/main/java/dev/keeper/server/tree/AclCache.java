package dev.keeper.server.tree;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * Interns ACL lists: each distinct list gets a number, and znodes hold the number. Reference counted, and
 * numbered exactly as ZooKeeper's {@code ReferenceCountedACLCache} numbers them (a rising index from 1, with
 * −1 for the open ACL of the built-in nodes), because snapshots store these numbers.
 *
 * <p>Owned by the processor thread.
 */
public final class AclCache {
    public static final int OPEN_UNSAFE_ID = -1;
    public static final List<ACL> OPEN_ACL_UNSAFE = List.of(new ACL(Perms.ALL, new Id("world", "anyone")));
    public static final List<ACL> READ_ACL_UNSAFE = List.of(new ACL(Perms.READ, new Id("world", "anyone")));

    private final Map<Long, List<ACL>> byId = new HashMap<>();
    private final Map<List<ACL>, Long> byAcl = new HashMap<>();
    private final Map<Long, long[]> refs = new HashMap<>();
    private long index;

    /** Interns {@code acl} and counts one more use of it. */
    int acquire(List<ACL> acl) {
        if (acl == null) {
            return OPEN_UNSAFE_ID;
        }
        Long id = byAcl.get(acl);
        if (id == null) {
            id = ++index;
            List<ACL> copy = List.copyOf(acl);
            byId.put(id, copy);
            byAcl.put(copy, id);
        }
        refs.computeIfAbsent(id, k -> new long[1])[0]++;
        return Math.toIntExact(id);
    }

    void release(int id) {
        if (id == OPEN_UNSAFE_ID) {
            return;
        }
        long[] count = refs.get((long) id);
        if (count != null && --count[0] <= 0) {
            refs.remove((long) id);
            byAcl.remove(byId.remove((long) id));
        }
    }

    public List<ACL> get(int id) {
        if (id == OPEN_UNSAFE_ID) {
            return OPEN_ACL_UNSAFE;
        }
        List<ACL> acl = byId.get((long) id);
        if (acl == null) {
            throw new IllegalStateException("no ACL list numbered " + id);
        }
        return acl;
    }

    public int size() {
        return byAcl.size();
    }

    /** Every interned list by number, for snapshots. */
    public Map<Long, List<ACL>> entries() {
        return new HashMap<>(byId);
    }

    /** Forgets everything: a snapshot's ACL table replaces the cache wholesale ({@code deserialize}). */
    void clear() {
        byId.clear();
        byAcl.clear();
        refs.clear();
        index = 0;
    }

    /** Restores a list read from a snapshot under its number, with no uses yet. */
    void restore(long id, List<ACL> acl) {
        List<ACL> copy = List.copyOf(acl);
        byId.put(id, copy);
        byAcl.put(copy, id);
        refs.put(id, new long[1]);
        index = Math.max(index, id);
    }

    /** Counts a use of a number read from a snapshot. */
    void addUse(int id) {
        if (id == OPEN_UNSAFE_ID || !byId.containsKey((long) id)) {
            return;
        }
        refs.get((long) id)[0]++;
    }

    /** Drops restored lists no node uses ({@code purgeUnused}). */
    void purgeUnused() {
        List<Long> unused = new ArrayList<>();
        refs.forEach((id, count) -> {
            if (count[0] <= 0) {
                unused.add(id);
            }
        });
        for (Long id : unused) {
            refs.remove(id);
            byAcl.remove(byId.remove(id));
        }
    }

    /** ZooKeeper's permission bits ({@code ZooDefs.Perms}). */
    public static final class Perms {
        public static final int READ = 1;
        public static final int WRITE = 2;
        public static final int CREATE = 4;
        public static final int DELETE = 8;
        public static final int ADMIN = 16;
        public static final int ALL = READ | WRITE | CREATE | DELETE | ADMIN;

        private Perms() {
        }
    }
}
