package dev.keeper.compat.ensemble;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import org.apache.zookeeper.client.HostProvider;

/**
 * Members' client ports on 127.0.0.1 in a fixed rotation, given to a stock client through its public
 * {@link HostProvider} hook so that a test knows which member it tries next (the client's own
 * {@code StaticHostProvider} shuffles). As that one does, a full round without a connection waits
 * {@code spinDelay} before the next.
 */
final class RotatingHosts implements HostProvider {
    private final List<InetSocketAddress> hosts;
    private int next;
    private int triedSinceConnected;

    /** The ports in the order given. */
    RotatingHosts(List<Integer> ports) {
        this.hosts = ports.stream().map(p -> new InetSocketAddress("127.0.0.1", p)).toList();
    }

    @Override
    public int size() {
        return hosts.size();
    }

    @Override
    public synchronized InetSocketAddress next(long spinDelay) {
        if (triedSinceConnected >= hosts.size() && spinDelay > 0) {
            try {
                wait(spinDelay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            triedSinceConnected = 0;
        }
        triedSinceConnected++;
        InetSocketAddress a = hosts.get(next);
        next = (next + 1) % hosts.size();
        return a;
    }

    @Override
    public synchronized void onConnected() {
        triedSinceConnected = 0;
    }

    @Override
    public boolean updateServerList(Collection<InetSocketAddress> serverAddresses, InetSocketAddress current) {
        return false;
    }
}
