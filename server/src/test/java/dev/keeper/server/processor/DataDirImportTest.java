package dev.keeper.server.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.persist.DataDir;
import dev.keeper.server.persist.SnapshotJob;
import dev.keeper.server.tree.DataTree;
import dev.keeper.wire.OpCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DataDirImport}'s rules, which every member applies to the same log and so decides alike: pieces in order
 * make the tree; an import that starts later takes the place of one under way; nothing goes into an ensemble that
 * holds data, or that changed while the pieces came.
 */
class DataDirImportTest {
    @TempDir
    Path tmp;

    private final ExecutorService writer = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        writer.shutdown();
    }

    private static void create(DataTree t, String path, byte[] data) {
        long zxid = t.lastZxid() + 1;
        t.apply(new TxnHeader(1, 1, zxid, 1, OpCode.CREATE), new CreateTxn(path, data,
                ZooDefs.Ids.OPEN_ACL_UNSAFE, false, t.find("/").cversion()));
        t.setLastZxid(zxid);
    }

    /** A data directory with a snapshot of three nodes of 200 KB: three pieces. */
    private Path source(String name) throws IOException {
        DataTree t = new DataTree(false);
        for (int i = 0; i < 3; i++) {
            create(t, "/" + name + i, new byte[200 << 10]);
        }
        Path d = Files.createDirectories(tmp.resolve(name));
        try (DataDir dir = DataDir.open(d, null)) {
            return SnapshotJob.takeNow(t, dir, writer);
        }
    }

    private List<Proposal> piecesOf(String name, long member) throws IOException {
        List<Proposal> pieces = new DataDirImport(tmp, false, source(name)).pieces(member, new DataTree(false), 5);
        assertEquals(3, pieces.size());
        return pieces;
    }

    private DataDirImport receiver() {
        return new DataDirImport(tmp, false, null);
    }

    @Test
    void piecesInOrder_intoAnEmptyTree_makeTheSourcesTree() throws IOException {
        List<Proposal> pieces = piecesOf("a", 1);
        DataDirImport r = receiver();
        DataTree empty = new DataTree(false);
        assertNull(r.apply(pieces.get(0), empty, 2));
        assertTrue(r.underWay(), "no snapshot while pieces are held");
        assertNull(r.apply(pieces.get(1), empty, 2));
        DataTree t = r.apply(pieces.get(2), empty, 2);
        assertNotNull(t);
        assertFalse(r.underWay());
        assertArrayEquals(new byte[200 << 10], t.find("/a2").data());
        assertEquals(3, t.lastZxid());
    }

    @Test
    void anImportStartedLater_takesThePlaceOfOneUnderWay() throws IOException {
        List<Proposal> first = piecesOf("a", 1);
        List<Proposal> second = piecesOf("b", 3);
        DataDirImport r = receiver();
        DataTree empty = new DataTree(false);
        assertNull(r.apply(first.get(0), empty, 2));
        assertNull(r.apply(second.get(0), empty, 2));
        assertNull(r.apply(first.get(1), empty, 2));
        assertNull(r.apply(first.get(2), empty, 2), "the first import gave way");
        assertNull(r.apply(second.get(1), empty, 2));
        DataTree t = r.apply(second.get(2), empty, 2);
        assertNotNull(t.find("/b0"));
        assertNull(t.find("/a0"));
    }

    @Test
    void nothingIsImported_intoATreeWithData_orOneThatChangedMeanwhile() throws IOException {
        List<Proposal> pieces = piecesOf("a", 1);
        DataDirImport r = receiver();
        DataTree holding = new DataTree(false);
        create(holding, "/ours", new byte[0]);
        assertNull(r.apply(pieces.get(0), holding, 1));
        assertFalse(r.underWay(), "passed over from its first piece");

        DataTree changing = new DataTree(false);
        assertNull(r.apply(pieces.get(0), changing, 2));
        create(changing, "/meanwhile", new byte[0]);
        assertNull(r.apply(pieces.get(1), changing, 2));
        assertNull(r.apply(pieces.get(2), changing, 2), "a write came between the pieces");
        assertFalse(r.underWay());

        DataTree written = new DataTree(false);
        assertNull(r.apply(pieces.get(0), written, 2));
        r.applied(written);
        assertTrue(r.underWay(), "an entry that changed nothing leaves the import under way");
        create(written, "/meanwhile", new byte[0]);
        r.applied(written);
        assertFalse(r.underWay(), "given up as soon as the tree changed, so snapshots are taken again");
        assertNull(r.apply(pieces.get(1), written, 2));
        assertNull(r.apply(pieces.get(2), written, 2));
    }

    @Test
    void theImporter_proposesOnce_andAgainOnlyAfterAPieceWasRejected() throws IOException {
        DataDirImport importer = new DataDirImport(tmp, false, source("a"));
        DataTree empty = new DataTree(false);
        List<Proposal> pieces = importer.pieces(1, empty, 5);
        assertEquals(3, pieces.size());
        assertTrue(importer.pieces(1, empty, 5).isEmpty(), "its pieces are on their way");
        importer.rejected();
        List<Proposal> again = importer.pieces(1, empty, 5);
        assertEquals(3, again.size());
        assertTrue(again.get(0).session() != pieces.get(0).session(), "under a new import id");
        DataTree holding = new DataTree(false);
        create(holding, "/ours", new byte[0]);
        importer.rejected();
        assertTrue(importer.pieces(1, holding, 5).isEmpty(), "never into a tree with data");
    }
}
