package dev.keeper.server.admin;

import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.config.TlsConfig;
import java.io.PrintWriter;

/** conf: the serving configuration ({@code ZooKeeperServer.dumpConf}). */
final class Conf implements Word {
    @Override
    public void run(ServerView v, PrintWriter out) {
        ServerConfig c = v.config();
        out.println("clientPort=" + c.clientPort());
        TlsConfig tls = c.security().tls();
        out.println("secureClientPort=" + (tls == null ? -1 : tls.securePort()));
        out.println("dataDir=" + (c.dataDir() == null ? "" : c.dataDir().toAbsolutePath()));
        out.println("dataDirSize=" + v.dataDirSize());
        out.println("dataLogDir=" + (c.logDir() == null ? "" : c.logDir().toAbsolutePath()));
        out.println("dataLogSize=" + v.logDirSize());
        out.println("tickTime=" + c.tickTime());
        out.println("maxClientCnxns=" + c.maxClientCnxns());
        out.println("minSessionTimeout=" + c.minSessionTimeout());
        out.println("maxSessionTimeout=" + c.maxSessionTimeout());
        out.println("clientPortListenBacklog=-1");
        out.println("serverId=0");
    }
}
