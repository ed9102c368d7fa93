package dev.keeper.server.admin;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;

/** dump: sessions by expiry bucket, then each session's ephemerals ({@code DumpCommand}). */
final class Dump implements Word {
    @Override
    public void run(ServerView v, PrintWriter out) {
        out.println("SessionTracker dump:");
        out.print("Session ");
        v.sessions().dump(out, System.nanoTime() / 1_000_000, System.currentTimeMillis());
        out.println("ephemeral nodes dump:");
        Map<Long, Set<String>> eph = v.tree().allEphemerals();
        out.println("Sessions with Ephemerals (" + eph.size() + "):");
        eph.forEach((session, paths) -> {
            out.print("0x" + Long.toHexString(session));
            out.println(":");
            for (String p : paths) {
                out.println("\t" + p);
            }
        });
        out.println("Connections dump:");
    }
}
