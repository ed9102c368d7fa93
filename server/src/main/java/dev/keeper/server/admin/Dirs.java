package dev.keeper.server.admin;

import java.io.PrintWriter;

/** dirs: bytes used by the data and log directories. */
final class Dirs implements Word {
    @Override
    public void run(ServerView v, PrintWriter out) {
        out.println("datadir_size: " + v.dataDirSize());
        out.println("logdir_size: " + v.logDirSize());
    }
}
