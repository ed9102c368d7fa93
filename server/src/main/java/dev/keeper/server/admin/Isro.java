package dev.keeper.server.admin;

import java.io.PrintWriter;

/** isro: "rw"; this server is never in read-only mode. */
final class Isro implements Word {
    @Override
    public void run(ServerView v, PrintWriter out) {
        out.print("rw");
    }
}
