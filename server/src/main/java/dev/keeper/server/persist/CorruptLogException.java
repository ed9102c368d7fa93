package dev.keeper.server.persist;

import java.io.IOException;
import java.nio.file.Path;

/** Data on disk that cannot be trusted, with the file and byte offset where it was found. */
public final class CorruptLogException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptLogException(Path file, long offset, String what) {
        super(what + " in " + file + " at offset " + offset);
    }
}
