package dev.keeper.server.admin;

import dev.keeper.server.net.Connection;
import java.io.PrintWriter;

/** crst: resets every connection's statistics. */
final class Crst implements Word {
    @Override
    public void run(ServerView v, PrintWriter out) {
        for (Connection c : v.connections()) {
            c.resetStats();
        }
        out.println("Connection stats reset.");
    }
}
