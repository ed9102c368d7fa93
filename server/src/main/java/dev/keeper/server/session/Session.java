package dev.keeper.server.session;

/** A live session as the tracker sees it. Owned by the processor thread. */
public final class Session {
    private final long id;
    private int timeout;
    long expiresAt;
    boolean closing;

    Session(long id, int timeout) {
        this.id = id;
        this.timeout = timeout;
    }

    public long id() {
        return id;
    }

    public int timeout() {
        return timeout;
    }

    void timeout(int t) {
        this.timeout = t;
    }

    public boolean closing() {
        return closing;
    }

    public long expiresAt() {
        return expiresAt;
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(id);
    }
}
