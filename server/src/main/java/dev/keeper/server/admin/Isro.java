package dev.keeper.server.admin;

import java.io.PrintWriter;

/** isro: "ro" while an ensemble member serves read-only clients (readonlymode.enabled), else "rw". */
final class Isro implements Word {
    @Override
    public void run(ServerView v, PrintWriter out) {
        out.print("read-only".equals(v.mode()) ? "ro" : "rw");
    }
}
