package dev.keeper.server.admin;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One AdminServer command, as ZooKeeper's {@code CommandBase} describes one: its names (the primary first, then its
 * aliases), whether it needs a serving server, whether it needs credentials (snapshot and restore: ALL on "/"),
 * and whether it is a POST command (restore) or a GET one (the rest).
 *
 * @param onProcessor the body reads the tree, sessions or watches, and so runs on the processor thread; otherwise
 *                    it runs on the HTTP thread (process-wide facts, files)
 */
record Command(List<String> names, boolean serverRequired, boolean auth, boolean post, boolean onProcessor,
        Body body) {

    /** What the command does: fills {@code out} from the server. */
    @FunctionalInterface
    interface Body {
        void run(Call call, CommandResponse out) throws Exception;
    }

    /**
     * One call: the server, the query's parameters (the first value of each, as {@code JettyAdminServer} takes them)
     * and, for a POST command, the request body saved to a file.
     */
    record Call(ServerView view, Map<String, String> args, Path body) {
    }

    String primary() {
        return names.get(0);
    }

    static Command get(Body body, String... names) {
        return new Command(List.of(names), true, false, false, true, body);
    }
}
