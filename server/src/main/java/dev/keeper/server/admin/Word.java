package dev.keeper.server.admin;

import java.io.PrintWriter;

/** One four-letter word's report. */
interface Word {
    void run(ServerView v, PrintWriter out);
}
