package dev.keeper.server.persist;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link TxnLogReader} with a log file's bytes, as start-up finds them: torn tails, preallocated zeros,
 * corrupt entries, bad headers. Seeds ({@code TxnLogFuzzTestInputs/file}, written by {@link FuzzSeeds}): logs
 * written by the server's own {@link FileTxnLog}, one cut in the middle of its last entry as a crash leaves it,
 * and one framed as ZooKeeper 3.9 writes it (a digest after each transaction, a pre-3.3 create, a closeSession
 * without paths). What is checked: {@link LogFileCheck}.
 *
 * <p>Mutations here rarely keep an entry's Adler32 right, so this target mostly exercises the framing and the
 * telling of a torn tail from corruption; {@link LogEntryFuzzTest} fixes the checksums to reach the entries.
 */
class TxnLogFuzzTest {
    @FuzzTest
    void file(byte[] input) {
        LogFileCheck.check(input);
    }
}
