package dev.keeper.server.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.tree.DataTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log is a chain of files, each named for its first zxid. A server that crashed mid-entry and restarted
 * leaves the torn entry at the end of what is now an older file, and begins the next file at that very zxid
 * (ZooKeeper's own data directories look like this after a crash): that is accepted. A chain that skips
 * zxids — a lost file, a file starting too late — has lost transactions, and is refused.
 */
class LogFileChainTest {
    @TempDir
    Path tmp;
    private DataDir dir;
    private final List<LogEntry> history = History.of(20);

    @BeforeEach
    void open() throws IOException {
        dir = DataDir.open(tmp, null);
        History.snapshot(dir, new DataTree(false));
    }

    @AfterEach
    void close() {
        dir.close();
    }

    @Test
    void partialEntryAtEndOfOlderFile_acceptedWhenNextFileStartsAtItsZxid() throws IOException {
        for (boolean truncate : new boolean[] {true, false}) {
            for (Path p : dir.logs()) {
                Files.delete(p);
            }
            // The first run logged 1..9 and crashed while writing 9; the restarted server logged 9..20 afresh.
            History.writeLog(dir, history.subList(0, 9), Set.of());
            Path older = dir.logs().get(0);
            tear(older, 9, truncate);
            History.writeLog(dir, history.subList(8, 20), Set.of());
            assertEquals(List.of("log.1", "log.9"), names(dir.logs()));

            assertEquals(History.zxids(history), replay());
            assertEquals(History.dump(History.apply(history)), History.dump(Recovery.recover(dir, false, false)),
                    truncate ? "truncated" : "zeroed");
        }
    }

    @Test
    void nextFileStartingPastTheNextZxid_isRefusedAsAGap() throws IOException {
        History.writeLog(dir, history.subList(0, 9), Set.of());
        tear(dir.logs().get(0), 9, true);
        // zxid 9 and 10 are nowhere: the next file starts at 11
        History.writeLog(dir, history.subList(10, 20), Set.of());
        CorruptLogException e = assertThrows(CorruptLogException.class, this::replay);
        assertTrue(e.getMessage().contains("Gap between log files: log.1 ends at zxid 0x8 but the next file starts"
                + " at 0xb"), e.getMessage());
        assertThrows(CorruptLogException.class, () -> Recovery.recover(dir, false, false));
    }

    @Test
    void missingMiddleFile_isRefusedAsAGap() throws IOException {
        History.writeLog(dir, history, Set.of(8L, 15L));
        assertEquals(List.of("log.1", "log.8", "log.f"), names(dir.logs()));
        Files.delete(dir.logs().get(1));
        CorruptLogException e = assertThrows(CorruptLogException.class, this::replay);
        assertTrue(e.getMessage().contains("Gap"), e.getMessage());
        assertTrue(e.getMessage().contains("log.f"), e.getMessage());
    }

    @Test
    void missingFirstFileAfterTheSnapshot_isRefusedAsAGap() throws IOException {
        History.writeLog(dir, history, Set.of(8L));
        Files.delete(dir.logs().get(0));
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> Recovery.recover(dir, false, false));
        assertTrue(e.getMessage().contains("zxid 0x8 follows 0x0"), e.getMessage());
    }

    @Test
    void corruptEntryInAnOlderFile_isRefusedEvenWhenTheNextFileFollowsOn() throws IOException {
        History.writeLog(dir, history, Set.of(10L));
        Path older = dir.logs().get(0);
        byte[] bytes = Files.readAllBytes(older);
        History.Span fifth = History.spans(older).get(4);
        bytes[(int) fifth.start() + 20] ^= 0x40;
        Files.write(older, bytes);
        CorruptLogException e = assertThrows(CorruptLogException.class, this::replay);
        assertTrue(e.getMessage().endsWith(older + " at offset " + fifth.start()), e.getMessage());
    }

    @Test
    void tornEntryInTheMiddleOfAnOlderFile_thatIsNotItsLast_isRefused() throws IOException {
        // A torn entry is only ever the last written; one with whole entries after it is damage.
        History.writeLog(dir, history, Set.of(10L));
        Path older = dir.logs().get(0);
        byte[] bytes = Files.readAllBytes(older);
        History.Span fifth = History.spans(older).get(4);
        bytes[(int) fifth.end() - 1] = 0; // its end-of-record byte, as an unfinished write leaves it
        Files.write(older, bytes);
        CorruptLogException e = assertThrows(CorruptLogException.class, this::replay);
        assertTrue(e.getMessage().endsWith(older + " at offset " + fifth.start()), e.getMessage());
    }

    /** Cuts the entry with {@code zxid} (the last in {@code file}) in half: truncated, or zeroed as preallocated. */
    private static void tear(Path file, long zxid, boolean truncate) throws IOException {
        History.Span last = History.spans(file).get((int) zxid - 1);
        assertEquals(zxid, last.zxid());
        byte[] bytes = Files.readAllBytes(file);
        int mid = (int) (last.start() + last.end()) / 2;
        if (truncate) {
            bytes = Arrays.copyOf(bytes, mid);
        } else {
            Arrays.fill(bytes, mid, bytes.length, (byte) 0);
        }
        Files.write(file, bytes);
    }

    private List<Long> replay() throws IOException {
        List<Long> out = new ArrayList<>();
        TxnLogReader.replay(dir.logs(), 0, (e, f, o) -> out.add(e.header().getZxid()));
        return out;
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList();
    }
}
