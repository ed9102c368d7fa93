package dev.keeper.server.admin;

import dev.keeper.server.net.Connection;
import java.io.PrintWriter;

/** cons: every connection with its session and statistics ({@code ConsCommand}). */
final class Cons implements Word {
    @Override
    public void run(ServerView v, PrintWriter out) {
        for (Connection c : v.connections()) {
            c.dump(out, false);
            out.println();
        }
        out.println();
    }
}
