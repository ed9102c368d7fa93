package dev.keeper.server.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.zookeeper.data.Id;

/**
 * The order in which ZooKeeper lists a connection's authenticated ids. It keeps them in a set backed by a
 * {@code ConcurrentHashMap} ({@code ServerCnxn.authInfo}), so whoAmI answers, and an "auth" ACL expands, in that
 * map's iteration order — by the ids' hashes, not the order they were added. Clients see the result: the ACL
 * stored on a node created with {@code CREATOR_ALL_ACL} by a client with two digests lists them in that order.
 * Building the same kind of set from the ids in the order they were added reproduces it exactly.
 */
public final class AuthIds {
    private AuthIds() {
    }

    /** {@code ids} (in the order the connection added them) in the order ZooKeeper would list them. */
    public static List<Id> inServerOrder(List<Id> ids) {
        if (ids.size() < 2) {
            return ids;
        }
        Set<Id> set = Collections.newSetFromMap(new ConcurrentHashMap<>());
        set.addAll(ids);
        return new ArrayList<>(set);
    }
}
