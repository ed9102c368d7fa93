package dev.keeper.compat.ensemble;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The network of an ensemble on loopback, one {@link DirectedLink} per ordered pair of members, so a test can cut
 * any member off from any other without root (no iptables) while client ports, on 127.0.0.1, stay untouched.
 *
 * <p>The addressing, all in 127.0.0.0/8, which Linux routes to the loopback interface: member {@code i} listens on
 * {@code 127.i.0.i}; the link {@code i -> j} listens on {@code 127.i.0.j} at {@code j}'s ports and forwards to
 * {@code 127.j.0.j}. Member {@code i}'s JVM gets its own hosts file ({@link #hostsFile}) mapping every name
 * {@code mj} to {@code 127.i.0.j} — its own name to its own address, every other name to the link that leads
 * there — so the {@code server.j=mj:...} lines, the same in every zoo.cfg, lead each member through its own links.
 */
final class Links implements AutoCloseable {
    private final int size;
    private final DirectedLink[][] links;

    /**
     * Links between {@code size} members; {@code ports[j]} are the ports member {@code j} listens on for its peers
     * (its quorum and election ports), index 0 unused.
     */
    Links(int size, int[][] ports) throws IOException {
        this.size = size;
        this.links = new DirectedLink[size + 1][size + 1];
        try {
            for (int from = 1; from <= size; from++) {
                for (int to = 1; to <= size; to++) {
                    if (from != to) {
                        links[from][to] = new DirectedLink(from + "->" + to, address(from, to), address(to, to),
                                ports[to]);
                    }
                }
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** Where member {@code from} reaches member {@code to}: the link's address, or {@code to}'s own when equal. */
    static InetAddress address(int from, int to) {
        try {
            return InetAddress.getByAddress(new byte[] {127, (byte) from, 0, (byte) to});
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The host name of member {@code id} in every zoo.cfg. */
    static String host(int id) {
        return "m" + id;
    }

    /**
     * The hosts file of member {@code id}'s JVM ({@code -Djdk.net.hosts.file}, which replaces the system's
     * resolver): every member's name, and localhost and this machine's name on 127.0.0.1, as {@code /etc/hosts}
     * has them, for whatever else the JVM resolves.
     */
    String hostsFile(int id) throws IOException {
        StringBuilder b = new StringBuilder("127.0.0.1 localhost ").append(InetAddress.getLocalHost().getHostName())
                .append('\n');
        for (int j = 1; j <= size; j++) {
            b.append(address(id, j).getHostAddress()).append(' ').append(host(j)).append('\n');
        }
        return b.toString();
    }

    DirectedLink link(int from, int to) {
        return links[from][to];
    }

    /** Cuts every link into and out of {@code id}: it can reach no one, and no one can reach it. */
    void isolate(int id, DirectedLink.Cut how) {
        partition(List.of(id), how);
    }

    /** Cuts both directions of every link between the members in {@code side} and the rest. */
    void partition(Collection<Integer> side, DirectedLink.Cut how) {
        for (DirectedLink l : between(side)) {
            l.cut(how);
        }
    }

    /**
     * Cuts one direction only: every link out of {@code id}. Connections {@code id} opens to the others carry
     * nothing either way; connections the others open to it still work both ways (a member that can hear, and
     * answer on what it hears, but not speak first).
     */
    void cutFrom(int id, DirectedLink.Cut how) {
        for (int to = 1; to <= size; to++) {
            if (to != id) {
                links[id][to].cut(how);
            }
        }
    }

    private List<DirectedLink> between(Collection<Integer> side) {
        List<DirectedLink> cut = new ArrayList<>();
        for (int from = 1; from <= size; from++) {
            for (int to = 1; to <= size; to++) {
                if (from != to && side.contains(from) != side.contains(to)) {
                    cut.add(links[from][to]);
                }
            }
        }
        return cut;
    }

    void healAll() {
        forEach(DirectedLink::heal);
    }

    private void forEach(java.util.function.Consumer<DirectedLink> action) {
        for (int from = 1; from <= size; from++) {
            for (int to = 1; to <= size; to++) {
                if (links[from][to] != null) {
                    action.accept(links[from][to]);
                }
            }
        }
    }

    @Override
    public void close() {
        forEach(DirectedLink::close);
    }
}
