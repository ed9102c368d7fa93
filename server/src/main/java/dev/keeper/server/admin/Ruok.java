package dev.keeper.server.admin;

import java.io.PrintWriter;

/** ruok: "imok", no newline. */
final class Ruok implements Word {
    @Override
    public void run(ServerView v, PrintWriter out) {
        out.print("imok");
    }
}
