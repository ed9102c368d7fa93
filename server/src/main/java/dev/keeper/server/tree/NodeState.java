package dev.keeper.server.tree;

/** What a write's checks read of a node: the node itself, or its state as an earlier op of a multi left it. */
public interface NodeState {
    int version();

    /** The persisted cversion: the count of child creates, which sequence numbers come from. */
    int cversion();

    int aversion();

    long ephemeralOwner();

    int numChildren();

    byte[] data();
}
