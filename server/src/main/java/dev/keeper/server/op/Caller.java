package dev.keeper.server.op;

import dev.keeper.server.watch.Watcher;
import java.util.List;
import org.apache.zookeeper.data.Id;

/** The connection a request came in on, as ops see it: its session, its credentials, its watches. */
public interface Caller extends Watcher {
    /** The ids the connection has authenticated as; always includes its "ip" id. */
    List<Id> auth();
}
