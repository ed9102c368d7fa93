package dev.keeper.compat.persist;

import dev.keeper.compat.persist.PowerCutWorkload.Kind;
import dev.keeper.compat.persist.PowerCutWorkload.Sent;
import dev.keeper.compat.persist.PowerCutWorkload.Writer;
import dev.keeper.server.ServerClock;
import dev.keeper.server.ZkServer;
import dev.keeper.server.persist.DataDir;
import dev.keeper.server.persist.FileTxnLog;
import dev.keeper.server.persist.Recovery;
import dev.keeper.server.testing.PowerCut;
import dev.keeper.server.testing.PowerCut.Data;
import dev.keeper.server.testing.PowerCut.Names;
import dev.keeper.server.testing.RecordingDisk;
import dev.keeper.server.testing.RecordingDisk.Force;
import dev.keeper.server.testing.RecordingDisk.Op;
import dev.keeper.server.testing.RecordingDisk.Rename;
import dev.keeper.server.testing.RecordingDisk.SyncDir;
import dev.keeper.server.tree.DataTree;
import dev.keeper.server.tree.Znode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeSet;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * After a power cut, the power goes again: our server starts on the image of the first cut (recovering it, as
 * at any start), a client writes — a sequential node under each session's parent, whose number must be beyond
 * every one acknowledged before the first cut, and a few creates — and the machine loses power again, at
 * points of this second journal. The second image must recover; it must show what the first recovery showed,
 * unchanged, plus a prefix of the new writes holding every one acknowledged before the second cut; and no
 * sequential number may come round again. This is where a log file name reused after a cut, or a torn tail
 * left in an older file, would show.
 */
final class PowerCutAgain {
    private static final int CREATES = 10;

    /** One write of the second life: the node it created and its data; the journal op its reply came at. */
    private record Write(String path, String value, long ackSeq) {
    }

    private PowerCutAgain() {
    }

    /**
     * Serves the image under {@code image} (recovered as {@code first}, from a cut before op {@code cut} of the
     * workload's journal), then cuts the power {@code cuts} times and checks each. Returns what is wrong.
     */
    static List<String> serveAndCutAgain(Path image, Path scratch, DataTree first, PowerCutWorkload w, long cut,
            int cuts, Random rng) throws Exception {
        RecordingDisk disk = RecordingDisk.over(image);
        long restarted = disk.next();
        List<Write> writes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (ZkServer server = ZkServer.start(PowerCutWorkload.config(image.resolve("data")).build(),
                ServerClock.SYSTEM, FileTxnLog.Syncer.FSYNC, disk)) {
            ZooKeeper zk = RestartTest.connect(server);
            try {
                for (Writer writer : w.writers) {
                    int max = maxSequenceNumber(writer, cut);
                    if (max < 0) {
                        continue;
                    }
                    String name = zk.create(writer.base + "/q/s-", new byte[] {'2'}, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT_SEQUENTIAL);
                    writes.add(new Write(name, "2", disk.next()));
                    if (PowerCutCheck.sequenceNumber(name) <= max) {
                        problems.add("served: " + name + " created, but " + max + " was acknowledged before the cut");
                    }
                }
                for (int i = 0; i < CREATES; i++) {
                    String path = "/again" + i;
                    zk.create(path, path.getBytes(StandardCharsets.ISO_8859_1), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT);
                    writes.add(new Write(path, path, disk.next()));
                }
            } finally {
                zk.close();
            }
        }
        List<Op> journal = disk.journal();
        for (long second : secondCuts(journal, restarted, cuts, rng)) {
            Path again = scratch.resolve("again");
            PowerCutTest.deleteTree(again);
            Files.createDirectories(again);
            Data data = rng.nextBoolean() ? Data.SOME : Data.SYNCED;
            Names names = rng.nextBoolean() ? Names.SOME : Names.STRICT;
            PowerCut.image(journal, second, image, again, data, names, rng);
            for (String p : check(again.resolve("data"), first, writes, w, cut, second)) {
                problems.add("second power cut before op " + second + " of the restarted server's journal (data "
                        + data + ", names " + names + "): " + p);
            }
        }
        return problems;
    }

    /**
     * {@code n} cut points after op {@code from}: two in three just before or after a force, rename or directory
     * fsync, the rest anywhere.
     */
    private static List<Long> secondCuts(List<Op> journal, long from, int n, Random rng) {
        int seeded = (int) from;
        List<Long> candidates = new ArrayList<>();
        for (Op op : journal.subList(seeded, journal.size())) {
            if (op instanceof Force || op instanceof Rename || op instanceof SyncDir) {
                candidates.add(op.seq());
                candidates.add(op.seq() + 1);
            }
        }
        TreeSet<Long> points = new TreeSet<>();
        while (points.size() < Math.min(n, candidates.size())) {
            points.add(rng.nextInt(3) == 0 ? seeded + rng.nextInt(journal.size() - seeded + 1)
                    : candidates.get(rng.nextInt(candidates.size())));
        }
        return new ArrayList<>(points);
    }

    private static List<String> check(Path data, DataTree first, List<Write> writes, PowerCutWorkload w,
            long cut, long second) {
        DataTree tree;
        try (DataDir dir = DataDir.open(data, null)) {
            tree = Recovery.recover(dir, false, false);
        } catch (Exception | AssertionError e) {
            return List.of("recovery failed: " + e);
        }
        Map<String, String> before = PowerCutCheck.nodes(first);
        Map<String, String> after = PowerCutCheck.nodes(tree);
        List<String> problems = new ArrayList<>();
        boolean gap = false;
        for (Write write : writes) {
            String found = after.remove(write.path());
            if (found == null && write.ackSeq() <= second) {
                problems.add("lost the acknowledged " + write);
            } else if (found != null && !found.equals(write.value())) {
                problems.add(write.path() + " holds " + found + ", not " + write.value());
            } else if (found != null && gap) {
                problems.add(write + " is there but an earlier write of the same client is not");
            }
            gap |= found == null;
        }
        for (String path : new TreeSet<>(before.keySet())) {
            if (!Objects.equals(before.get(path), after.remove(path))) {
                problems.add(path + " was " + before.get(path) + " after the first cut's recovery, and is not now");
            }
        }
        after.keySet().forEach(path -> problems.add(path + " appeared, written by no one"));
        problems.addAll(sequenceCounters(tree, writes, w, cut, second));
        return problems;
    }

    /** Each sequential parent's counter is beyond every number acknowledged before either cut. */
    private static List<String> sequenceCounters(DataTree tree, List<Write> writes, PowerCutWorkload w, long cut,
            long second) {
        Map<String, Integer> max = new HashMap<>();
        for (Writer writer : w.writers) {
            max.put(writer.base + "/q", maxSequenceNumber(writer, cut));
        }
        for (Write write : writes) {
            if (write.ackSeq() <= second && write.path().contains("/q/s-")) {
                max.merge(write.path().substring(0, write.path().lastIndexOf('/')),
                        PowerCutCheck.sequenceNumber(write.path()), Math::max);
            }
        }
        List<String> problems = new ArrayList<>();
        max.forEach((parent, n) -> {
            Znode z = tree.find(parent);
            if (n >= 0 && (z == null || z.cversion() <= n)) {
                problems.add(parent + ": sequential number " + n + " was acknowledged, but the next would be "
                        + (z == null ? "none" : z.cversion()));
            }
        });
        return problems;
    }

    static int maxSequenceNumber(Writer writer, long cut) {
        int max = -1;
        for (Sent s : writer.sent) {
            if (s.kind == Kind.SEQUENTIAL && s.ackSeq <= cut) {
                max = Math.max(max, PowerCutCheck.sequenceNumber(s.created.get(0)));
            }
        }
        return max;
    }
}
