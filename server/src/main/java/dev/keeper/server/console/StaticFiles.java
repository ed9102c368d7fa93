package dev.keeper.server.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The console's page: plain files from the server's jar ({@code console/} on the class path), read once at start.
 * No build step: what is in the repository is what the browser gets.
 */
final class StaticFiles {
    record File(byte[] bytes, String contentType) {
    }

    private final Map<String, File> files;

    StaticFiles() {
        files = Map.of(
                "index.html", load("index.html", "text/html; charset=utf-8"),
                "app.js", load("app.js", "text/javascript; charset=utf-8"),
                "app.css", load("app.css", "text/css; charset=utf-8"));
    }

    /** The file called {@code name} (no directories), or null. */
    File get(String name) {
        return files.get(name);
    }

    private static File load(String name, String type) {
        try (InputStream in = StaticFiles.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console/" + name + " is missing from the server's jar");
            }
            return new File(in.readAllBytes(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
