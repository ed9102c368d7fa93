package dev.keeper.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@link FrameDecoder} must emit for a connection's bytes, worked out from the bytes alone, as the fuzz
 * targets' reference: a four-letter word spelled by the first four bytes of a connection and nothing after it;
 * otherwise each frame its 4-byte length announces, and what is left at the close as an {@link
 * FrameDecoder.Unfinished}. Null when a length is below zero or over {@code jute.maxbuffer}: ZooKeeper's "Len
 * error", which closes the connection.
 */
final class FrameOracle {
    private FrameOracle() {
    }

    static List<Object> expected(byte[] input, int maxBuffer, boolean connectionStart) {
        if (connectionStart && input.length >= 4) {
            String first = new String(input, 0, 4, StandardCharsets.ISO_8859_1);
            for (FourLetterWord w : FourLetterWord.values()) {
                if (w.word().equals(first)) {
                    return List.of(w);
                }
            }
        }
        List<Object> out = new ArrayList<>();
        int at = 0;
        while (at < input.length) {
            int left = input.length - at;
            if (left < 4) {
                out.add(new FrameDecoder.Unfinished(left, -1));
                break;
            }
            int len = ByteBuffer.wrap(input, at, 4).getInt();
            if (len < 0 || len > maxBuffer) {
                return null;
            }
            if (left - 4 < len) {
                out.add(new FrameDecoder.Unfinished(left, len));
                break;
            }
            out.add(ByteBuffer.wrap(Arrays.copyOfRange(input, at + 4, at + 4 + len)));
            at += 4 + len;
        }
        return out;
    }
}
