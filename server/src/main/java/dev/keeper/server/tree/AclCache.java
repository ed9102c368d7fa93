package dev.keeper.server.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * Interns ACL lists: each distinct list in use gets a number, and znodes hold the number (an int: it is paid for
 * on every znode). As ZooKeeper's {@code ReferenceCountedACLCache}: reference counted, numbered from 1, with −1
 * for the open ACL of the built-in nodes; snapshots store the numbers with the table that gives their lists.
 *
 * <p>Unlike ZooKeeper's, whose numbers are longs that only ever rise, a number is <em>reused</em>: when its last
 * use is released it goes on a free list, and the next new list takes it. The numbers in use never exceed the
 * distinct lists in use at once, so an int cannot run out however many lists a data directory sees over its
 * life. Snapshot numbers are private to their file — only its table and its nodes refer to them, the log holds
 * ACL lists, never numbers — so a snapshot's numbers (ZooKeeper's may be far beyond the int range) are mapped
 * onto ours as it is read ({@link #restore}, {@link #restoredId}).
 *
 * <p>Why reuse is safe in a fuzzy snapshot ({@code SnapshotJob}): the table is copied when the walk starts, and
 * each node is written later, with the number it holds then. A node holding the same number since before the
 * copy is right in the file: a number cannot be freed while a node holds it, so the table still gives that
 * node's list. A node that took its number after the copy — created, re-created, or given a new ACL — may show
 * a number the table gives to another list (freed and reused meanwhile) or does not hold at all (new since);
 * but whatever gave it that number is a transaction after the snapshot's zxid, and recovery replays it: a
 * setACL sets the list again, and a create meeting the node already there takes its list too
 * ({@code DataTree.create}'s NODE_EXISTS branch, as ZooKeeper's {@code createNode} does for exactly this). A
 * number a snapshot's table lacks is read as {@link #UNKNOWN_ID}, which nothing hands out and release ignores,
 * so the replay cannot disturb another list's count through it. Counts only ever err high (that NODE_EXISTS
 * branch does not release the stale number, as in ZooKeeper), which keeps a list alive longer, never frees one
 * in use; the next restart counts afresh.
 *
 * <p>Owned by the processor thread.
 */
public final class AclCache {
    public static final int OPEN_UNSAFE_ID = -1;
    /** A node read from a snapshot whose ACL number is missing from that snapshot's table; see above. */
    static final int UNKNOWN_ID = Integer.MIN_VALUE;
    public static final List<ACL> OPEN_ACL_UNSAFE = List.of(new ACL(Perms.ALL, new Id("world", "anyone")));
    public static final List<ACL> READ_ACL_UNSAFE = List.of(new ACL(Perms.READ, new Id("world", "anyone")));

    private final Map<List<ACL>, Integer> byAcl = new HashMap<>();
    /** Lists by number; slot 0 is never used, a freed slot is null. */
    private final List<List<ACL>> byId = new ArrayList<>(Collections.singletonList(null));
    private long[] uses = new long[16];
    private int[] free = new int[16];
    private int freeCount;
    /** While a snapshot is read: its numbers to ours. */
    private Map<Long, Integer> restored = new HashMap<>();

    /** Interns {@code acl} and counts one more use of it. */
    int acquire(List<ACL> acl) {
        if (acl == null) {
            return OPEN_UNSAFE_ID;
        }
        Integer known = byAcl.get(acl);
        int id = known != null ? known : intern(List.copyOf(acl));
        uses[id]++;
        return id;
    }

    /** Gives a new list a number: a freed one if there is one, else the next after the highest. */
    private int intern(List<ACL> copy) {
        int id;
        if (freeCount > 0) {
            id = free[--freeCount];
            byId.set(id, copy);
        } else {
            id = byId.size();
            byId.add(copy);
            if (id == uses.length) {
                uses = Arrays.copyOf(uses, id * 2);
            }
        }
        uses[id] = 0;
        byAcl.put(copy, id);
        return id;
    }

    void release(int id) {
        if (!inUse(id)) {
            return;
        }
        if (--uses[id] <= 0) {
            drop(id);
        }
    }

    private boolean inUse(int id) {
        return id > 0 && id < byId.size() && byId.get(id) != null;
    }

    private void drop(int id) {
        byAcl.remove(byId.get(id));
        byId.set(id, null);
        uses[id] = 0;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, freeCount * 2);
        }
        free[freeCount++] = id;
    }

    /** True for the number of a node read from a snapshot whose table lacks its list (see above). */
    public static boolean missing(int id) {
        return id == UNKNOWN_ID;
    }

    public List<ACL> get(int id) {
        if (id == OPEN_UNSAFE_ID) {
            return OPEN_ACL_UNSAFE;
        }
        if (!inUse(id)) {
            throw new IllegalStateException(id == UNKNOWN_ID
                    ? "no ACL list: the node's number was missing from the snapshot it was read from"
                    : "no ACL list numbered " + id);
        }
        return byId.get(id);
    }

    public int size() {
        return byAcl.size();
    }

    /** Every interned list by number, for snapshots. */
    public Map<Long, List<ACL>> entries() {
        Map<Long, List<ACL>> out = new HashMap<>(byAcl.size() * 2);
        for (int id = 1; id < byId.size(); id++) {
            if (byId.get(id) != null) {
                out.put((long) id, byId.get(id));
            }
        }
        return out;
    }

    /** Forgets everything: a snapshot's ACL table replaces the cache wholesale ({@code deserialize}). */
    void clear() {
        byAcl.clear();
        byId.subList(1, byId.size()).clear();
        Arrays.fill(uses, 0);
        freeCount = 0;
        restored = new HashMap<>();
    }

    /** Interns a list read from a snapshot under its number there, with no uses yet. */
    void restore(long snapshotId, List<ACL> acl) {
        List<ACL> copy = List.copyOf(acl);
        Integer known = byAcl.get(copy);
        restored.put(snapshotId, known != null ? known : intern(copy));
    }

    /** Our number for a snapshot's: −1 stays the open ACL; one its table lacks is {@link #UNKNOWN_ID}. */
    int restoredId(long snapshotId) {
        if (snapshotId == OPEN_UNSAFE_ID) {
            return OPEN_UNSAFE_ID;
        }
        Integer id = restored.get(snapshotId);
        return id != null ? id : UNKNOWN_ID;
    }

    /** Counts a use by a node read from a snapshot. */
    void addUse(int id) {
        if (inUse(id)) {
            uses[id]++;
        }
    }

    /** Once a snapshot is read: frees the lists no node uses ({@code purgeUnused}); its numbers are done with. */
    void purgeUnused() {
        for (int id = 1; id < byId.size(); id++) {
            if (byId.get(id) != null && uses[id] <= 0) {
                drop(id);
            }
        }
        restored = new HashMap<>();
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
