package dev.keeper.server.tree;

/**
 * What a znode's {@code ephemeralOwner} encodes ({@code server/EphemeralType.java}): 0 for a plain node, a
 * session id for an ephemeral, {@link #CONTAINER_OWNER} for a container, and, when extended types are enabled,
 * 0xff in the high byte with the TTL in milliseconds below for a TTL node. Clients see 0 for containers and TTL
 * nodes: the markers exist only inside the server and on disk.
 */
public enum EphemeralType {
    VOID, NORMAL, CONTAINER, TTL;

    public static final long CONTAINER_OWNER = Long.MIN_VALUE;
    private static final long EXTENDED_MASK = 0xff00000000000000L;
    private static final long RESERVED_BITS_MASK = 0x00ffff0000000000L;
    /** The largest TTL a node can carry: the bits below the extended and reserved bytes. */
    public static final long MAX_TTL = ~(EXTENDED_MASK | RESERVED_BITS_MASK);

    public static EphemeralType of(long owner, boolean extendedTypesEnabled) {
        if (extendedTypesEnabled && (owner & EXTENDED_MASK) == EXTENDED_MASK
                && (owner & RESERVED_BITS_MASK) == 0) {
            return TTL;
        }
        if (owner == CONTAINER_OWNER) {
            return CONTAINER;
        }
        return owner == 0 ? VOID : NORMAL;
    }

    public static long ttlOwner(long ttl) {
        if (ttl > MAX_TTL || ttl <= 0) {
            throw new IllegalArgumentException("ttl must be positive and cannot be larger than: " + MAX_TTL);
        }
        return EXTENDED_MASK | ttl;
    }

    public static long ttlOf(long owner) {
        return owner & MAX_TTL;
    }

    /** The owner a client sees in {@code Stat.ephemeralOwner} ({@code DataNode.getClientEphemeralOwner}). */
    public static long clientOwner(long owner, boolean extendedTypesEnabled) {
        EphemeralType t = of(owner, extendedTypesEnabled);
        return t == CONTAINER || t == TTL ? 0 : owner;
    }
}
