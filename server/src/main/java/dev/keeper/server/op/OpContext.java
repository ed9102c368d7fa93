package dev.keeper.server.op;

import dev.keeper.server.tree.DataTree;
import dev.keeper.server.watch.WatchManager;
import dev.keeper.wire.Notification;
import java.util.Set;

/**
 * What reads (and the replies of writes) may use: the tree, the watches, and a way to queue a watch event for a
 * caller ahead of the reply being built, which setWatches needs for its catch-up events.
 */
public interface OpContext {
    DataTree tree();

    WatchManager watches();

    void notify(Caller caller, Notification event);

    /** The ACL schemes a provider is registered for beyond digest and ip ("x509", "sasl"). */
    Set<String> authSchemes();
}
