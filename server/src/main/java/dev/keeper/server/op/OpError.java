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
    private final boolean takesZxid;

    public OpError(int code) {
        this(code, null);
    }

    public OpError(int code, org.apache.jute.Record body) {
        this(code, body, true);
    }

    private OpError(int code, org.apache.jute.Record body, boolean takesZxid) {
        super(null, null, false, false);
        this.code = code;
        this.body = body;
        this.takesZxid = takesZxid;
    }

    /**
     * A write refused before ZooKeeper would have taken a zxid for it: it fails inside
     * {@code PrepRequestProcessor.pRequest} before the transaction header exists, and its catch-all then logs the
     * error under the current zxid. We log nothing and answer with that zxid.
     */
    static OpError beforeZxid(int code) {
        return new OpError(code, null, false);
    }

    /**
     * {@code path}, or MarshallingError when a request carries a null path (a Jute string of length −1):
     * ZooKeeper's handlers fail on it with a NullPointerException, which its catch-all answers so.
     */
    static String requirePath(String path) throws OpError {
        if (path == null) {
            throw new OpError(dev.keeper.wire.ErrorCode.MARSHALLING_ERROR);
        }
        return path;
    }

    public int code() {
        return code;
    }

    /** False for a write refused before it was given a zxid: no transaction is logged for it. */
    public boolean takesZxid() {
        return takesZxid;
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
