package dev.keeper.server.admin;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** envi: the environment, in {@code Environment.list}'s order; clients parse zookeeper.version from it. */
final class Envi implements Word {
    @Override
    public void run(ServerView v, PrintWriter out) {
        out.println("Environment:");
        put(out, "zookeeper.version", Version.full());
        String host;
        try {
            host = InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            host = "<NA>";
        }
        put(out, "host.name", host);
        for (String key : new String[] {"java.version", "java.vendor", "java.home", "java.class.path",
                "java.library.path", "java.io.tmpdir", "java.compiler", "os.name", "os.arch", "os.version",
                "user.name", "user.home", "user.dir"}) {
            put(out, key, System.getProperty(key, "<NA>"));
        }
        Runtime rt = Runtime.getRuntime();
        int mb = 1024 * 1024;
        put(out, "os.memory.free", rt.freeMemory() / mb + "MB");
        put(out, "os.memory.max", rt.maxMemory() / mb + "MB");
        put(out, "os.memory.total", rt.totalMemory() / mb + "MB");
    }

    private static void put(PrintWriter out, String k, String value) {
        out.print(k);
        out.print("=");
        out.println(value);
    }
}
