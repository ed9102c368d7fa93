package dev.keeper.server.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keeper.server.tree.DataTree;
import dev.keeper.wire.OpCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash while the log is being written leaves its last entries cut short — the file ends early, or the
 * preallocated zeros were never overwritten. Whatever byte the write stopped at, recovery keeps exactly the
 * entries that were whole before it and nothing else: a torn entry was never acknowledged, and every whole one
 * may have been.
 */
class TornTailTest {
    private static final int ENTRIES = 30;

    @TempDir
    Path tmp;
    private DataDir dir;
    private List<LogEntry> history;
    private Path logFile;
    private byte[] pristine;
    private List<History.Span> spans;

    @BeforeEach
    void writeLog() throws IOException {
        dir = DataDir.open(tmp, null);
        history = History.of(ENTRIES);
        History.snapshot(dir, new DataTree(false));
        History.writeLog(dir, history, Set.of());
        logFile = dir.logs().get(0);
        pristine = Files.readAllBytes(logFile);
        spans = History.spans(logFile);
        assertEquals(ENTRIES, spans.size());
        // preallocation: zeros after the last entry, as a live log file has them
        assertEquals(true, pristine.length > spans.get(ENTRIES - 1).end());
    }

    @AfterEach
    void close() {
        dir.close();
    }

    @Test
    void truncatedAtEveryByteOfTheLastTwoEntries_recoversExactlyTheWholeEntriesBeforeIt() throws IOException {
        for (long cut = spans.get(ENTRIES - 2).start(); cut <= spans.get(ENTRIES - 1).end(); cut++) {
            Files.write(logFile, Arrays.copyOf(pristine, (int) cut));
            assertRecoversEntriesEndingBy(cut, "log truncated at byte " + cut);
        }
    }

    @Test
    void zeroedFromEveryByteOfTheLastTwoEntries_recoversExactlyTheWholeEntriesBeforeIt() throws IOException {
        for (long from = spans.get(ENTRIES - 2).start(); from <= spans.get(ENTRIES - 1).end(); from++) {
            byte[] torn = pristine.clone();
            Arrays.fill(torn, (int) from, torn.length, (byte) 0);
            Files.write(logFile, torn);
            assertRecoversEntriesEndingBy(from, "log zeroed from byte " + from);
        }
    }

    /**
     * A power cut during an unforced batch: its pages reach the disk in any order, so a sector from entry k on
     * may be missing (zeros, as preallocated) while later sectors, holding whole entries, made it. None of that
     * batch was acknowledged; recovery keeps exactly the entries before k, and starts. (Found by PowerCutTest:
     * such an image was refused as "Corrupt entry followed by intact ones".)
     */
    @Test
    void sectorsFromAnEntryOnMissing_laterEntriesOnDisk_recoversExactlyTheEntriesBeforeIt() throws IOException {
        int cases = 0;
        for (int k = 0; k < ENTRIES - 1; k++) {
            long from = spans.get(k).start();
            long sectorEnd = (from / 512 + 1) * 512;
            for (long to = sectorEnd; to <= sectorEnd + 512; to += 512) {
                if (to >= spans.get(ENTRIES - 1).start()) {
                    continue; // no whole entry would be left after the hole: the tail case above
                }
                byte[] torn = pristine.clone();
                Arrays.fill(torn, (int) from, (int) to, (byte) 0);
                Files.write(logFile, torn);
                assertRecoversEntriesEndingBy(from, "sectors missing from entry " + k + " (byte " + from + ") to "
                        + to);
                cases++;
            }
        }
        assertEquals(true, cases > 10, "cases: " + cases);
    }

    /**
     * The same with a large entry: its header and its end-of-record byte reached the disk, a sector in between
     * did not, so its checksum fails — a torn write, whether it is the last entry or whole ones follow it. A
     * sector of garbage instead of zeros is corruption, and is still refused.
     */
    @Test
    void largeEntryMissingASectorInItsMiddle_isATornWrite_butGarbageThereIsCorruption() throws IOException {
        Files.delete(logFile);
        List<LogEntry> withLarge = new ArrayList<>(history);
        byte[] big = new byte[3000];
        Arrays.fill(big, (byte) 'x');
        for (int i = 0; i < 3; i++) {
            long z = ENTRIES + 1 + i;
            withLarge.add(new LogEntry(new TxnHeader(History.SESSION, (int) z, z, z, OpCode.CREATE),
                    new CreateTxn("/big" + z, i == 0 ? big : History.data(z), History.OPEN, false, 100 + i)));
        }
        History.writeLog(dir, withLarge, Set.of());
        pristine = Files.readAllBytes(logFile);
        spans = History.spans(logFile);
        History.Span large = spans.get(ENTRIES);
        long sector = (large.start() / 512 + 2) * 512;
        for (boolean last : new boolean[] {false, true}) {
            byte[] torn = last ? Arrays.copyOf(pristine, (int) large.end()) : pristine.clone();
            Arrays.fill(torn, (int) sector, (int) sector + 512, (byte) 0);
            Files.write(logFile, torn);
            List<Long> replayed = new ArrayList<>();
            TxnLogReader.replay(dir.logs(), 0, (e, f, o) -> replayed.add(e.header().getZxid()));
            assertEquals(History.zxids(history), replayed, last ? "as the last entry" : "followed by whole ones");

            Arrays.fill(torn, (int) sector, (int) sector + 512, (byte) '?');
            Files.write(logFile, torn);
            CorruptLogException e = assertThrows(CorruptLogException.class, () -> Recovery.recover(dir, false,
                    false));
            assertEquals(true, e.getMessage().endsWith("at offset " + large.start()), e.getMessage());
        }
    }

    @Test
    void tornTailOfTheNewestOfSeveralFiles_recoversEverythingBeforeIt() throws IOException {
        Files.delete(logFile);
        History.writeLog(dir, history, Set.of(11L, 21L));
        Path newest = dir.logs().get(2);
        assertEquals("log.15", newest.getFileName().toString());
        byte[] bytes = Files.readAllBytes(newest);
        List<History.Span> last = History.spans(newest);
        long mid = (last.get(last.size() - 1).start() + last.get(last.size() - 1).end()) / 2;
        Files.write(newest, Arrays.copyOf(bytes, (int) mid));
        List<Long> replayed = new ArrayList<>();
        long end = TxnLogReader.replay(dir.logs(), 0, (e, f, o) -> replayed.add(e.header().getZxid()));
        assertEquals(History.zxids(history.subList(0, ENTRIES - 1)), replayed);
        assertEquals(ENTRIES - 1, end);
    }

    /** Both the reader and a full recovery (snapshot.0 + log) stop after the entries that end by {@code cut}. */
    private void assertRecoversEntriesEndingBy(long cut, String what) throws IOException {
        List<LogEntry> whole = new ArrayList<>();
        for (int i = 0; i < ENTRIES; i++) {
            if (spans.get(i).end() <= cut) {
                whole.add(history.get(i));
            }
        }
        List<Long> replayed = new ArrayList<>();
        TxnLogReader.replay(dir.logs(), 0, (e, f, o) -> replayed.add(e.header().getZxid()));
        assertEquals(History.zxids(whole), replayed, what);
        DataTree recovered = Recovery.recover(dir, false, false);
        assertEquals(History.dump(History.apply(whole)), History.dump(recovered), what);
    }
}
