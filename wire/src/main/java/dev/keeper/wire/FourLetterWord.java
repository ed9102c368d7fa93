package dev.keeper.wire;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The four-letter words ZooKeeper recognises in place of a connection's first length prefix.
 *
 * <p>ZooKeeper reads a connection's first four bytes as a frame length; when those bytes spell a known word
 * ({@code FourLetterCommands.isKnown}) it answers the word instead and closes. Words it does not know fall
 * through to the length check and close the connection as an oversized frame.
 */
public enum FourLetterWord {
    CONF, CONS, CRST, DIRS, DUMP, ENVI, GTMK, RUOK, STMK, SRST, SRVR, STAT, WCHC, WCHP, WCHS, MNTR, ISRO, HASH;

    private static final Map<Integer, FourLetterWord> BY_CODE = new HashMap<>();

    static {
        for (FourLetterWord w : values()) {
            BY_CODE.put(w.code(), w);
        }
    }

    /** The word as clients type it, lower case. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The big-endian int the word's ASCII bytes form, which is how it arrives in the length slot. */
    public int code() {
        byte[] b = word().getBytes(StandardCharsets.US_ASCII);
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    /** The word a length-slot value spells, or null when it is an ordinary length. */
    public static FourLetterWord of(int lengthSlot) {
        return BY_CODE.get(lengthSlot);
    }

    /** Look a word up by its text; null when unknown. */
    public static FourLetterWord parse(String text) {
        for (FourLetterWord w : values()) {
            if (w.word().equals(text)) {
                return w;
            }
        }
        return null;
    }
}
