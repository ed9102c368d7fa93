package dev.keeper.server.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A password kept in a file ({@code *.passwordPath}), read as ZooKeeper's {@code SecretUtils.readSecret} reads it. */
final class Secrets {
    private Secrets() {
    }

    /** The file's text, less one trailing line separator. */
    static String read(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            String nl = System.lineSeparator();
            return s.endsWith(nl) ? s.substring(0, s.length() - nl.length()) : s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the password file " + file, e);
        }
    }
}
