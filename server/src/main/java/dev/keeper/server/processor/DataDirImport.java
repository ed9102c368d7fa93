package dev.keeper.server.processor;

import dev.keeper.server.persist.DataDir;
import dev.keeper.server.persist.Recovery;
import dev.keeper.server.persist.SnapshotFile;
import dev.keeper.server.persist.SnapshotJob;
import dev.keeper.server.tree.DataTree;
import dev.keeper.server.tree.Znode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data directory brought into an ensemble: a ZooKeeper server's, or a standalone one of ours, found in the
 * {@code dataDir} of a member that starts for the first time as one. ZooKeeper's ensemble takes such data as it is:
 * the member with the highest zxid wins the election and the others sync from it. A Raft log cannot be told to
 * start from one member's files, so that member (the importer) proposes a snapshot of its tree through the log in
 * pieces, and every member, applying them in log order, assembles the same file and takes the same tree from it.
 *
 * <p>Only into an ensemble that holds nothing yet — no node but /zookeeper's, no session — as the first piece
 * finds it when it is applied; otherwise every member passes the import over, and the importer says so. An
 * import whose first piece comes after another's (its importer started again, or a second member holds data too)
 * takes its place: the last to start wins, on every member alike. While one is under way no snapshot is taken,
 * since a snapshot would hold part of it. Owned by the processor thread.
 */
public final class DataDirImport {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirImport.class);
    /** Bytes per piece: well inside Ratis's default log segment (32 MB) and gRPC message (64 MB) limits. */
    static final int PIECE = 256 << 10;

    private final Path workDir;
    private final boolean extendedTypes;
    /** The snapshot this member brings in, or null. */
    private final Path source;
    /** This member's pieces are in the log, or on their way to it. */
    private boolean proposed;

    private long id;
    private int next;
    private int count;
    private long zxidAtStart;
    private Path assembling;
    private OutputStream out;

    /** {@code source} (or null: nothing to bring in) is imported; pieces are assembled in {@code workDir}. */
    DataDirImport(Path workDir, boolean extendedTypes, Path source) {
        this.workDir = workDir;
        this.extendedTypes = extendedTypes;
        this.source = source;
    }

    /**
     * At a member's start, before Raft's: the snapshot to import, when this member starts as one for the first
     * time (no Raft log or snapshot under {@code raftDir}) and its data directory holds a tree with more than
     * /zookeeper in it (recovered as a standalone server recovers it, and written as a snapshot of its own there,
     * as ZooKeeper writes one at start); otherwise null. Only at the first start: after it, the pieces are in the
     * Raft log, and a member restarted before its first Raft snapshot replays them rather than sending them again.
     */
    public static Path prepare(DataDir dir, Path raftDir, boolean extendedTypes, boolean trustEmptySnapshot,
            ExecutorService writer) throws IOException {
        if (hasRaftState(raftDir) || (dir.snapshots().isEmpty() && dir.logs().isEmpty())) {
            return null;
        }
        DataTree tree = Recovery.recover(dir, extendedTypes, trustEmptySnapshot);
        if (empty(tree)) {
            return null;
        }
        Path file = SnapshotJob.takeNow(tree, dir, writer);
        LOG.info("The data directory holds {} nodes and {} sessions at zxid 0x{}: {} goes to the ensemble once it"
                + " has a leader", tree.nodeCount(), tree.sessions().size(), Long.toHexString(tree.lastZxid()),
                file.getFileName());
        return file;
    }

    /** True when {@code raftDir} holds a Raft log segment or snapshot: the member has been one before. */
    private static boolean hasRaftState(Path raftDir) throws IOException {
        if (!Files.isDirectory(raftDir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(raftDir)) {
            return files.map(p -> p.getFileName().toString())
                    .anyMatch(name -> name.startsWith("snapshot.") || name.startsWith("log_"));
        }
    }

    /** True when {@code t} holds nothing an import would overwrite: no session, no node but /zookeeper's own. */
    static boolean empty(DataTree t) {
        if (!t.sessions().isEmpty() || t.root().numChildren() != 1 || t.find("/zookeeper") == null) {
            return false;
        }
        Znode quota = t.find("/zookeeper/quota");
        return t.nodeCount() <= 4 && (quota == null || quota.numChildren() == 0);
    }

    /** True while an import's pieces are being assembled: no snapshot now. */
    boolean underWay() {
        return out != null;
    }

    /**
     * After an entry other than a piece was applied to {@code current}: an import under way gives up once the
     * tree has changed (it could not go in any more), so that snapshots are taken again; every member alike.
     */
    void applied(DataTree current) throws IOException {
        if (out != null && current.lastZxid() != zxidAtStart) {
            LOG.warn("Import {} passed over: the ensemble changed while it was under way", Long.toHexString(id));
            abandonQuietly();
        }
    }

    /**
     * When the ensemble has a leader: this member's pieces, all of them under a new import id, if it has a
     * snapshot to bring in, has not proposed it yet, and its tree is still empty; else none.
     */
    List<Proposal> pieces(long myId, DataTree current, long time) throws IOException {
        if (source == null || proposed || !empty(current)) {
            return List.of();
        }
        long importId = ThreadLocalRandom.current().nextLong();
        List<Proposal> pieces = new ArrayList<>();
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            long size = in.size();
            int n = (int) Math.max(1, (size + PIECE - 1) / PIECE);
            for (int seq = 0; seq < n; seq++) {
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(PIECE, size - (long) seq * PIECE));
                while (b.hasRemaining() && in.read(b, (long) seq * PIECE + b.position()) >= 0) {
                    // positional reads until the piece is full
                }
                pieces.add(Proposal.importPiece(myId, importId, seq, n, b.array(), time));
            }
        }
        proposed = true;
        LOG.info("Importing {} into the ensemble: {} pieces (import {})", source.getFileName(), pieces.size(),
                Long.toHexString(importId));
        return pieces;
    }

    /** A piece of this member's was not committed: all of them go again, under a new id, at the next leader. */
    void rejected() {
        proposed = false;
    }

    /**
     * Applies piece {@code p} to what is being assembled; returns the imported tree when {@code p} completes an
     * import into {@code current}, else null. The same on every member: it depends on the log alone.
     */
    DataTree apply(Proposal p, DataTree current, long myId) throws IOException {
        if (p.cxid() == 0) {
            if (!empty(current)) {
                if (p.origin() == myId) {
                    LOG.error("{} was not imported: the ensemble holds data already (zxid 0x{}); this member goes on"
                            + " with the ensemble's", source == null ? "A snapshot" : source.getFileName(),
                            Long.toHexString(current.lastZxid()));
                }
                return null;
            }
            abandon();
            id = p.session();
            count = p.timeout();
            next = 0;
            zxidAtStart = current.lastZxid();
            assembling = workDir.resolve("import." + Long.toHexString(id) + ".tmp");
            out = Files.newOutputStream(assembling);
        } else if (out == null || p.session() != id || p.cxid() != next) {
            return null;
        }
        out.write((byte[]) p.body());
        if (++next < count) {
            return null;
        }
        out.close();
        out = null;
        try {
            if (current.lastZxid() != zxidAtStart || !empty(current)) {
                LOG.warn("Import {} passed over: the ensemble changed while it was under way",
                        Long.toHexString(id));
                return null;
            }
            DataTree t = new DataTree(extendedTypes);
            long zxid = SnapshotFile.read(assembling, t);
            // zxids never go back: a ZooKeeper server's epoch may be below the ensemble's term
            t.setLastZxid(Math.max(zxid, current.lastZxid()));
            LOG.info("Imported a tree of {} nodes and {} sessions (snapshot zxid 0x{}, import {})", t.nodeCount(),
                    t.sessions().size(), Long.toHexString(zxid), Long.toHexString(id));
            return t;
        } catch (IOException e) {
            // every member read the same bytes, so every member passes it over
            LOG.error("Import {} passed over: its snapshot does not read back: {}", Long.toHexString(id), e.toString());
            return null;
        } finally {
            Files.deleteIfExists(assembling);
        }
    }

    private void abandon() throws IOException {
        if (out != null) {
            abandonQuietly();
            LOG.info("Import {} gives way to a later one", Long.toHexString(id));
        }
    }

    private void abandonQuietly() throws IOException {
        out.close();
        out = null;
        Files.deleteIfExists(assembling);
    }
}
