package dev.keeper.server.processor;

import dev.keeper.server.tree.DataTree;
import dev.keeper.server.tree.EphemeralType;
import dev.keeper.server.tree.Znode;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Deletes containers whose last child has gone, and TTL nodes without children whose TTL has passed since they
 * last changed, on ZooKeeper's schedule ({@code ContainerManager}: every {@code znode.container.checkIntervalMs},
 * at most {@code znode.container.maxPerMinute}). A container that never had a child stays, as in ZooKeeper.
 *
 * <p>Runs on the processor thread, so the check and the delete see the same tree and cannot race a create;
 * each delete is a deleteContainer transaction from session 0.
 */
final class ContainerReaper {
    private ContainerReaper() {
    }

    static void reap(RequestProcessor p) throws IOException {
        DataTree tree = p.tree();
        long now = p.clock().wallMillis();
        long perCheck = Math.max(1, p.config().containerMaxPerMinute() * p.config().containerCheckIntervalMs() / 60_000);
        // ZooKeeper gathers the candidates in a HashSet (ContainerManager.getCandidates) and deletes them in its
        // iteration order; the deletion zxids follow that order, so we do the same.
        Set<String> doomed = new HashSet<>();
        for (String path : tree.containers()) {
            if (due(tree, path, now)) {
                doomed.add(path);
            }
        }
        for (String path : tree.ttls()) {
            if (due(tree, path, now)) {
                doomed.add(path);
            }
        }
        int n = 0;
        for (String path : doomed) {
            if (n++ >= perCheck) {
                break;
            }
            p.reap(path);
        }
    }

    /**
     * Is the node at {@code path} one to delete at {@code now}: a container without children that has had one, or
     * a TTL node without children unchanged for longer than its TTL? In an ensemble each member asks again when
     * it applies the leader's deleteContainer, at the time the leader proposed it (the same on every member).
     */
    static boolean due(DataTree tree, String path, long now) {
        Znode z = tree.find(path);
        if (z == null || z.numChildren() != 0) {
            return false;
        }
        return switch (tree.typeOf(z.ephemeralOwner())) {
            case CONTAINER -> z.cversion() > 0;
            case TTL -> {
                long ttl = EphemeralType.ttlOf(z.ephemeralOwner());
                yield ttl != 0 && now - z.mtime() > ttl;
            }
            default -> false;
        };
    }
}
