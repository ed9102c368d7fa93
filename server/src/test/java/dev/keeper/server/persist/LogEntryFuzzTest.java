package dev.keeper.server.persist;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link LogEntry#deserialize} through {@link TxnLogReader}: the input is a log file, whose entries' Adler32
 * checksums are made right before it is read ({@link LogFileCheck#withValidChecksums}), so that a mutated entry
 * reaches the decoder instead of failing its checksum. Seeds ({@code LogEntryFuzzTestInputs/entries}): those of
 * {@link TxnLogFuzzTest}. What is checked: {@link LogFileCheck}, re-serialization above all.
 */
class LogEntryFuzzTest {
    @FuzzTest
    void entries(byte[] input) {
        LogFileCheck.check(LogFileCheck.withValidChecksums(input));
    }
}
