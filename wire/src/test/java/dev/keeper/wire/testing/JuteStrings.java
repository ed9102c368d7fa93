package dev.keeper.wire.testing;

/**
 * Where jute's string writing does not give back the bytes its reading took, so that the fuzz targets' round
 * trips (decode, encode, compare) must not expect it. Jute reads a string with Java's UTF-8 decoder, which turns
 * bytes that are not UTF-8 into U+FFFD; and writes one with an encoder of its own ({@code BinaryOutputArchive
 * .stringToByteBuffer}) that writes each half of a surrogate pair as a 3-byte sequence (CESU-8), which its reading
 * in turn takes for bytes that are not UTF-8. ZooKeeper reads and writes strings the same way.
 */
public final class JuteStrings {
    private JuteStrings() {
    }

    /**
     * Whether jute-written bytes hold a string that changed on reading or will change on its next reading: a
     * U+FFFD (EF BF BD), or a surrogate written on its own (ED A0..BF xx).
     */
    public static boolean lossy(byte[] written) {
        for (int i = 0; i + 2 < written.length; i++) {
            int b0 = written[i] & 0xff;
            int b1 = written[i + 1] & 0xff;
            if (b0 == 0xef && b1 == 0xbf && (written[i + 2] & 0xff) == 0xbd || b0 == 0xed && b1 >= 0xa0 && b1 <= 0xbf) {
                return true;
            }
        }
        return false;
    }
}
