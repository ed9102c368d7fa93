package dev.keeper.server.op;

/**
 * A request that cannot succeed, with ZooKeeper's error code. Thrown by checks, so it carries no stack trace:
 * it is an answer, not a fault. Usually the reply is the header alone; where ZooKeeper sends the body it had
 * built before failing (multiRead), the error carries it.
 */
public final class OpError extends Exception {
    private static final long serialVersionUID = 1L;
    private final int code;
    private final transient org.apache.jute.Record body;

    public OpError(int code) {
        this(code, null);
    }

    public OpError(int code, org.apache.jute.Record body) {
        super(null, null, false, false);
        this.code = code;
        this.body = body;
    }

    public int code() {
        return code;
    }

    /** The response body to send with the error, or null for a header-only reply. */
    public org.apache.jute.Record body() {
        return body;
    }

    @Override
    public String getMessage() {
        return "error " + code;
    }
}
