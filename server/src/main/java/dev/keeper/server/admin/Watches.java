package dev.keeper.server.admin;

import java.io.PrintWriter;

/** wchs (summary), wchc (by session) and wchp (by path), as {@code WatchCommand} prints them. */
final class Watches implements Word {
    enum Kind { SUMMARY, BY_SESSION, BY_PATH }

    private final Kind kind;

    Watches(Kind kind) {
        this.kind = kind;
    }

    @Override
    public void run(ServerView v, PrintWriter out) {
        switch (kind) {
            case SUMMARY -> v.watches().dumpSummary(out);
            case BY_SESSION -> v.watches().dump(out, false);
            case BY_PATH -> v.watches().dump(out, true);
        }
        out.println();
    }
}
