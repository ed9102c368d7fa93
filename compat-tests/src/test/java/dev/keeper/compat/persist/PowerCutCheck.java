package dev.keeper.compat.persist;

import dev.keeper.compat.persist.PowerCutWorkload.Kind;
import dev.keeper.compat.persist.PowerCutWorkload.Sent;
import dev.keeper.compat.persist.PowerCutWorkload.Writer;
import dev.keeper.server.persist.DataDir;
import dev.keeper.server.persist.Recovery;
import dev.keeper.server.testing.RecordingDisk.Create;
import dev.keeper.server.testing.RecordingDisk.Delete;
import dev.keeper.server.testing.RecordingDisk.Force;
import dev.keeper.server.testing.RecordingDisk.Op;
import dev.keeper.server.testing.RecordingDisk.Rename;
import dev.keeper.server.testing.RecordingDisk.SyncDir;
import dev.keeper.server.testing.RecordingDisk.Write;
import dev.keeper.server.tree.DataTree;
import dev.keeper.server.tree.Znode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a power-cut image must hold, and what the journal must show, for a {@link PowerCutWorkload}.
 *
 * <p>An image is recovered with {@link Recovery#recover} as the server recovers at start-up, and must not fail.
 * Then, for each session: every write acknowledged before the cut is there; nothing is there that the session
 * never sent; its nodes are exactly the effect of a prefix of what it sent (so a multi is whole or absent, and
 * a later value never sits beside the loss of an earlier write) — and that prefix is the one the recovered zxid
 * says, judged by the zxids the replies carried; a sequential parent's counter is beyond every number handed
 * out before the cut, so no number is handed out twice.
 */
final class PowerCutCheck {
    private static final int SHOWN = 5;

    private PowerCutCheck() {
    }

    /** What an image held: what is wrong with it, how many writes not yet acknowledged it kept, its tree. */
    record Verdict(List<String> problems, int unacknowledgedKept, DataTree tree) {
    }

    /** Recovers the data directory {@code data} of an image, and checks it. */
    static Verdict image(Path data, PowerCutWorkload w, long cut) {
        DataTree tree;
        try (DataDir dir = DataDir.open(data, null)) {
            tree = Recovery.recover(dir, false, false);
        } catch (Exception | AssertionError e) {
            return new Verdict(List.of("recovery failed: " + e), 0, null);
        }
        List<String> problems = new ArrayList<>();
        long zxid = tree.lastZxid();
        Set<String> known = new HashSet<>();
        int[] kept = {0};
        for (Writer writer : w.writers) {
            problems.addAll(session(tree, writer, cut, zxid, known, kept));
        }
        strangers(tree, "/", tree.root(), known, problems);
        return new Verdict(problems, kept[0], tree);
    }

    /** Every node but ZooKeeper's own /zookeeper, as path → data (and "@owner" for an ephemeral). */
    static Map<String, String> nodes(DataTree tree) {
        Map<String, String> out = new TreeMap<>();
        nodes(tree, "/", tree.root(), out);
        return out;
    }

    private static void nodes(DataTree tree, String path, Znode z, Map<String, String> out) {
        out.put(path, value(z));
        for (String name : tree.childNames(z)) {
            String child = "/".equals(path) ? "/" + name : path + "/" + name;
            if (!child.equals("/zookeeper")) {
                nodes(tree, child, tree.find(child), out);
            }
        }
    }

    static String value(Znode z) {
        String v = new String(z.data() == null ? new byte[0] : z.data(), StandardCharsets.ISO_8859_1);
        return z.ephemeralOwner() != 0 ? v + "@" + Long.toHexString(z.ephemeralOwner()) : v;
    }

    /** The number at the end of a sequential node's name. */
    static int sequenceNumber(String name) {
        return Integer.parseInt(name.substring(name.length() - 10));
    }

    /** Nodes outside every session's own, other than ZooKeeper's /zookeeper. */
    private static void strangers(DataTree tree, String path, Znode z, Set<String> known, List<String> problems) {
        for (String name : tree.childNames(z)) {
            String child = "/".equals(path) ? "/" + name : path + "/" + name;
            if (child.equals("/zookeeper")) {
                continue;
            }
            if (!known.contains(child)) {
                problems.add("node " + child + " was never created by anyone");
            } else {
                strangers(tree, child, tree.find(child), known, problems);
            }
        }
    }

    private static List<String> session(DataTree tree, Writer writer, long cut, long zxid, Set<String> known,
            int[] kept) {
        List<Sent> sent = writer.sent;
        int acked = 0;
        while (acked < sent.size() && sent.get(acked).ackSeq <= cut) {
            acked++;
        }
        // By the zxids the replies carried, the writes at or below the recovered zxid: from lo to hi.
        int lo = 0;
        int hi = sent.size();
        for (int i = 0; i < sent.size(); i++) {
            long z = sent.get(i).zxid;
            if (z >= 0 && z <= zxid) {
                lo = i + 1;
            } else if (z > zxid) {
                hi = i;
                break;
            }
        }
        String where = "session " + writer.name + " (" + acked + " of " + sent.size()
                + " writes acknowledged before the cut; recovered zxid 0x" + Long.toHexString(zxid) + ")";
        if (acked > hi) {
            return List.of(where + ": lost the acknowledged " + sent.get(hi));
        }
        Map<String, String> actual = new TreeMap<>();
        Set<String> universe = new HashSet<>();
        for (Sent s : sent) {
            universe.addAll(s.touched());
        }
        known.addAll(universe);
        for (String p : universe) {
            Znode z = tree.find(p);
            if (z != null) {
                actual.put(p, value(z));
            }
        }
        int from = Math.max(acked, lo);
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < from; i++) {
            sent.get(i).applyTo(expected);
        }
        Set<String> wrong = new HashSet<>();
        for (String p : universe) {
            if (!Objects.equals(expected.get(p), actual.get(p))) {
                wrong.add(p);
            }
        }
        List<String> firstDiff = describe(wrong, expected, actual);
        for (int prefix = from; ; prefix++) {
            if (wrong.isEmpty()) {
                kept[0] += prefix - acked;
                return sequenceNumbers(tree, writer, sent.subList(0, acked), where);
            }
            if (prefix >= hi) {
                break;
            }
            Sent s = sent.get(prefix);
            s.applyTo(expected);
            for (String p : s.touched()) {
                if (Objects.equals(expected.get(p), actual.get(p))) {
                    wrong.remove(p);
                } else {
                    wrong.add(p);
                }
            }
        }
        return List.of(where + ": its nodes are the effect of no prefix of its writes from " + from + " to " + hi
                + "; after " + from + ": " + firstDiff);
    }

    private static List<String> describe(Set<String> wrong, Map<String, String> expected, Map<String, String> actual) {
        List<String> out = new ArrayList<>();
        for (String p : new TreeMap<>(expected).navigableKeySet()) {
            if (wrong.contains(p) && out.size() < SHOWN) {
                out.add(p + " expected " + abbreviate(expected.get(p)) + " found " + abbreviate(actual.get(p)));
            }
        }
        for (String p : wrong) {
            if (!expected.containsKey(p) && out.size() < SHOWN) {
                out.add(p + " expected absent, found " + abbreviate(actual.get(p)));
            }
        }
        return out;
    }

    private static String abbreviate(String v) {
        return v == null ? "absent" : v.length() > 40 ? v.substring(0, 40) + "..." : v;
    }

    /** The counter of the session's sequential parent is beyond every number acknowledged before the cut. */
    private static List<String> sequenceNumbers(DataTree tree, Writer writer, List<Sent> acked, String where) {
        int max = -1;
        for (Sent s : acked) {
            if (s.kind == Kind.SEQUENTIAL) {
                max = Math.max(max, sequenceNumber(s.created.get(0)));
            }
        }
        Znode parent = tree.find(writer.base + "/q");
        if (max >= 0 && (parent == null || parent.cversion() <= max)) {
            return List.of(where + ": sequential number " + max + " was acknowledged but the next one would be "
                    + (parent == null ? "none" : parent.cversion()));
        }
        return List.of();
    }

    // ---------------------------------------------------------------------------------------------------
    // The order of operations in the journal

    /**
     * What must precede what in the journal, whatever the cut: a log file's directory entry is fsynced before
     * any write in it is acknowledged; a snapshot is forced before it is renamed into place; and a file is
     * deleted only once a newer snapshot is durable — written, forced, renamed, and its directory fsynced.
     */
    static List<String> journalOrder(List<Op> journal, PowerCutWorkload w) {
        List<String> problems = new ArrayList<>();
        TreeMap<Long, Long> logDirSynced = new TreeMap<>(); // log start zxid → seq of its directory fsync
        Map<Integer, Long> lastForce = new HashMap<>();
        Map<Integer, Long> lastWrite = new HashMap<>();
        List<long[]> durableSnapshots = new ArrayList<>(); // {zxid, seq it became durable}
        for (Op op : journal) {
            if (op instanceof Create c && name(c.file()).startsWith("log.")) {
                logDirSynced.put(DataDir.zxidOf(c.file(), DataDir.LOG_PREFIX),
                        syncedAfter(journal, c.file().getParent(), c.seq()));
            } else if (op instanceof Force f) {
                lastForce.put(f.inode(), f.seq());
            } else if (op instanceof Write wr) {
                lastWrite.put(wr.inode(), wr.seq());
            } else if (op instanceof Rename r && name(r.to()).startsWith("snapshot.")) {
                if (lastForce.getOrDefault(r.inode(), -1L) < lastWrite.getOrDefault(r.inode(), 0L)) {
                    problems.add(name(r.to()) + " renamed into place at op " + r.seq() + " before it was forced");
                }
                durableSnapshots.add(new long[] {DataDir.zxidOf(r.to(), DataDir.SNAP_PREFIX),
                        syncedAfter(journal, r.to().getParent(), r.seq())});
            } else if (op instanceof Delete d && !name(d.file()).startsWith(".")) {
                long zxid = Math.max(DataDir.zxidOf(d.file(), DataDir.LOG_PREFIX),
                        DataDir.zxidOf(d.file(), DataDir.SNAP_PREFIX));
                boolean covered = durableSnapshots.stream().anyMatch(s -> s[0] > zxid && s[1] < d.seq());
                if (!covered) {
                    problems.add(name(d.file()) + " deleted at op " + d.seq() + " with no newer snapshot durable");
                }
            }
        }
        for (Writer writer : w.writers) {
            for (Sent s : writer.sent) {
                if (s.zxid < 0) {
                    continue;
                }
                Map.Entry<Long, Long> file = logDirSynced.floorEntry(s.zxid);
                if (file == null || file.getValue() >= s.ackSeq) {
                    problems.add(s + ", before the directory entry of its log file "
                            + (file == null ? "(none)" : "log." + Long.toHexString(file.getKey())) + " was fsynced"
                            + (file == null || file.getValue() == Long.MAX_VALUE ? " (never)"
                                    : " (op " + file.getValue() + ")"));
                }
            }
        }
        return problems;
    }

    /** The first fsync of {@code dir} after op {@code seq}, or Long.MAX_VALUE. */
    private static long syncedAfter(List<Op> journal, Path dir, long seq) {
        for (int i = (int) seq + 1; i < journal.size(); i++) {
            if (journal.get(i) instanceof SyncDir s && s.dir().equals(dir)) {
                return s.seq();
            }
        }
        return Long.MAX_VALUE;
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }
}
