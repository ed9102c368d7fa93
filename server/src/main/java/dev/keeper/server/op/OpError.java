package dev.keeper.server.op;

/**
 * A request that cannot succeed, with ZooKeeper's error code. Thrown by checks, so it carries no stack trace:
 * it is an answer, not a fault.
 */
public final class OpError extends Exception {
    private static final long serialVersionUID = 1L;
    private final int code;

    public OpError(int code) {
        super(null, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }

    @Override
    public String getMessage() {
        return "error " + code;
    }
}
