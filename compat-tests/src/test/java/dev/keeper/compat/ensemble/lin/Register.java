package dev.keeper.compat.ensemble.lin;

/**
 * The model of one znode as a register: its data and its data version ({@code Stat.version}). A write sets the
 * data and adds one to the version; a CAS does the same when it expects the current version, and otherwise fails
 * with BadVersion and changes nothing (ZooKeeper's {@code setData} with a version, checked in
 * {@code PrepRequestProcessor}); a read returns both. Immutable: the checker keeps states in its memo.
 */
public record Register(String value, int version) {

    /**
     * The state after {@code op} takes effect here with the answer its client got, or null when it could not have
     * had that answer in this state. An operation of unknown outcome has no answer to match: it does what it would
     * do here (a CAS expecting another version, nothing).
     */
    public Register step(Operation op) {
        boolean versionMatches = op.expectedVersion() == -1 || op.expectedVersion() == version;
        return switch (op.kind()) {
            case READ -> op.outcome() == Operation.Outcome.UNKNOWN
                    || value.equals(op.readValue()) && version == op.version() ? this : null;
            case WRITE, CAS -> switch (op.outcome()) {
                case OK -> versionMatches && (op.version() < 0 || op.version() == version + 1)
                        ? new Register(op.value(), version + 1) : null;
                case BAD_VERSION -> versionMatches ? null : this;
                case UNKNOWN -> versionMatches ? new Register(op.value(), version + 1) : this;
            };
        };
    }

    /** Why {@code op} cannot take effect here with its answer (for explanations); null when it can. */
    public String whyNot(Operation op) {
        if (step(op) != null) {
            return null;
        }
        return switch (op.kind()) {
            case READ -> "it read (" + op.readValue() + ", version " + op.version() + ") but the znode holds " + this;
            case WRITE, CAS -> switch (op.outcome()) {
                case OK -> op.kind() == Operation.Kind.CAS && op.expectedVersion() != version
                        ? "it succeeded expecting version " + op.expectedVersion() + " but the znode holds " + this
                        : "it was told version " + op.version() + " but the znode holds " + this;
                case BAD_VERSION -> "it failed with BadVersion but the znode holds version " + version;
                case UNKNOWN -> throw new IllegalStateException("an unknown outcome always fits");
            };
        };
    }

    @Override
    public String toString() {
        return "(" + value + ", version " + version + ")";
    }
}
