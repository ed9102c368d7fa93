package dev.keeper.server.admin;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * What an AdminServer command answers ({@code CommandResponse}): its entries in order, then "command" and "error"
 * as ZooKeeper's {@code toMap} adds them (an "error" a command put among its entries keeps its place); an HTTP
 * status, extra headers, and for the snapshot command a file to stream instead of JSON; or, for a command that
 * finishes later, the promise of the answer. Built on one thread,
 * then handed over whole.
 */
final class CommandResponse {
    private final String command;
    private final Map<String, Object> data = new LinkedHashMap<>();
    private final Map<String, String> headers = new TreeMap<>();
    private String error;
    private int status = 200;
    private CompletableFuture<CommandResponse> later;
    private Path bodyFile;

    CommandResponse(String command) {
        this.command = command;
    }

    /** An answer that is only an error: an unknown command, a missing credential, a server not serving. */
    static CommandResponse error(String command, String error, int status) {
        CommandResponse r = new CommandResponse(command);
        r.error = error;
        r.status = status;
        return r;
    }

    CommandResponse put(String key, Object value) {
        data.put(key, value);
        return this;
    }

    CommandResponse putAll(Map<String, ?> m) {
        data.putAll(m);
        return this;
    }

    CommandResponse status(int code) {
        status = code;
        return this;
    }

    CommandResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /**
     * The answer is not ready yet (snapshot, restore): it is what {@code f} completes with. Set on the thread that
     * runs the command; the HTTP thread waits for {@code f}.
     */
    CommandResponse later(CompletableFuture<CommandResponse> f) {
        later = f;
        return this;
    }

    /** The body is this file (a snapshot), streamed, not JSON. */
    CommandResponse body(Path file) {
        bodyFile = file;
        return this;
    }

    CompletableFuture<CommandResponse> later() {
        return later;
    }

    Path bodyFile() {
        return bodyFile;
    }

    String command() {
        return command;
    }

    int status() {
        return status;
    }

    Map<String, String> headers() {
        return headers;
    }

    /** The JSON body's object, in ZooKeeper's order. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>(data);
        m.put("command", command);
        if (!m.containsKey("error") || error != null) {
            m.put("error", error);
        }
        return m;
    }
}
