package dev.keeper.server.admin;

import java.io.PrintWriter;

/** srst: resets the server's latency and packet statistics. */
final class Srst implements Word {
    @Override
    public void run(ServerView v, PrintWriter out) {
        v.metrics().reset();
        out.println("Server stats reset.");
    }
}
