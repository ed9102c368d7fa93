package dev.keeper.server.admin;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * envi: the environment, in {@code Environment.list}'s order; clients parse zookeeper.version from it. The
 * AdminServer's environment command shows the same entries.
 */
final class Envi implements Word {
    @Override
    public void run(ServerView v, PrintWriter out) {
        out.println("Environment:");
        entries().forEach((k, value) -> {
            out.print(k);
            out.print("=");
            out.println(value);
        });
    }

    static Map<String, String> entries() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("zookeeper.version", Version.full());
        String host;
        try {
            host = InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            host = "<NA>";
        }
        m.put("host.name", host);
        for (String key : new String[] {"java.version", "java.vendor", "java.home", "java.class.path",
                "java.library.path", "java.io.tmpdir", "java.compiler", "os.name", "os.arch", "os.version",
                "user.name", "user.home", "user.dir"}) {
            m.put(key, System.getProperty(key, "<NA>"));
        }
        Runtime rt = Runtime.getRuntime();
        int mb = 1024 * 1024;
        m.put("os.memory.free", rt.freeMemory() / mb + "MB");
        m.put("os.memory.max", rt.maxMemory() / mb + "MB");
        m.put("os.memory.total", rt.totalMemory() / mb + "MB");
        return m;
    }
}
