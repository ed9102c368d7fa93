package dev.keeper.compat.ensemble.lin;

import java.util.Locale;

/**
 * One operation on one znode as its client saw it: what it asked, what it was told, and when — {@code invokeNanos}
 * just before the call, {@code returnNanos} just after the answer, both {@link System#nanoTime} on the client's
 * thread.
 *
 * <p>A write is ZooKeeper's {@code setData} with version -1; a compare-and-set ({@link Kind#CAS}) is {@code setData}
 * with the version it expects. Either, when {@link Outcome#OK}, carries the version its {@code Stat} reported. A read
 * is {@code sync} then {@code getData} (invoked at the sync, returned at getData's answer) and carries the data and
 * version it saw. BadVersion is a definite answer: the CAS happened and changed nothing. Any answer that leaves the
 * outcome open (ConnectionLoss, SessionExpired, a timeout: the request may have reached the server) is
 * {@link Outcome#UNKNOWN}: the checker lets such an operation take effect at any moment after its invocation, or
 * never, and ignores its return time and output.
 *
 * @param expectedVersion the version a CAS expects; -1 for a write (ZooKeeper's "any version")
 * @param readValue the data a read saw; null otherwise
 * @param version a read's version, or the new version a write or CAS was told; -1 when not known
 */
public record Operation(int client, String key, Kind kind, String value, int expectedVersion, Outcome outcome,
        String readValue, int version, long invokeNanos, long returnNanos) {

    public enum Kind { WRITE, CAS, READ }

    public enum Outcome { OK, BAD_VERSION, UNKNOWN }

    public Operation {
        if (kind == Kind.WRITE && expectedVersion != -1) {
            throw new IllegalArgumentException("a write expects no version: " + expectedVersion);
        }
        if (kind == Kind.READ && outcome == Outcome.BAD_VERSION) {
            throw new IllegalArgumentException("a read has no bad version");
        }
        if (!word(value) || !word(readValue)) {
            throw new IllegalArgumentException("values are words, not '-' (the text form splits on spaces and"
                    + " writes null as '-'): " + value + ", " + readValue);
        }
    }

    static boolean word(String s) {
        return s == null || !s.isEmpty() && !s.equals("-") && !s.contains(" ");
    }

    public static Operation write(int client, String key, String value, int newVersion, long invoke, long ret) {
        return new Operation(client, key, Kind.WRITE, value, -1, Outcome.OK, null, newVersion, invoke, ret);
    }

    public static Operation cas(int client, String key, String value, int expected, int newVersion, long invoke,
            long ret) {
        return new Operation(client, key, Kind.CAS, value, expected, Outcome.OK, null, newVersion, invoke, ret);
    }

    public static Operation badVersion(int client, String key, String value, int expected, long invoke, long ret) {
        return new Operation(client, key, Kind.CAS, value, expected, Outcome.BAD_VERSION, null, -1, invoke, ret);
    }

    public static Operation read(int client, String key, String value, int version, long invoke, long ret) {
        return new Operation(client, key, Kind.READ, null, -1, Outcome.OK, value, version, invoke, ret);
    }

    /** A write or CAS ({@code expected} -1: a write) whose outcome its client never learned. */
    public static Operation unknown(int client, String key, String value, int expected, long invoke, long ret) {
        return new Operation(client, key, expected == -1 ? Kind.WRITE : Kind.CAS, value, expected, Outcome.UNKNOWN,
                null, -1, invoke, ret);
    }

    public boolean determinate() {
        return outcome != Outcome.UNKNOWN;
    }

    /** Whether the operation may change the znode: a write or CAS that succeeded or may have. */
    public boolean mayWrite() {
        return kind != Kind.READ && outcome != Outcome.BAD_VERSION;
    }

    /** One line, for explanations: times in milliseconds since {@code t0}. */
    public String describe(long t0) {
        String what = switch (kind) {
            case WRITE -> "write " + value;
            case CAS -> "cas " + value + " if version " + expectedVersion;
            case READ -> "read";
        };
        String told = switch (outcome) {
            case OK -> kind == Kind.READ ? "(" + readValue + ", version " + version + ")"
                    : "ok" + (version >= 0 ? ", version " + version : "");
            case BAD_VERSION -> "BadVersion";
            case UNKNOWN -> "unknown";
        };
        String when = outcome == Outcome.UNKNOWN ? String.format(Locale.ROOT, "%.3f ms..", ms(invokeNanos, t0))
                : String.format(Locale.ROOT, "%.3f..%.3f ms", ms(invokeNanos, t0), ms(returnNanos, t0));
        return "client " + client + " " + what + " -> " + told + " [" + when + "]";
    }

    private static double ms(long nanos, long t0) {
        return (nanos - t0) / 1e6;
    }

    /** The text form {@link History} writes: {@code op client key kind value expected outcome read version t0 t1}. */
    String toLine() {
        return String.join(" ", "op", Integer.toString(client), key, kind.name(), orDash(value),
                Integer.toString(expectedVersion), outcome.name(), orDash(readValue), Integer.toString(version),
                Long.toString(invokeNanos), Long.toString(returnNanos));
    }

    static Operation parse(String line) {
        String[] f = line.split(" ");
        if (f.length != 11 || !f[0].equals("op")) {
            throw new IllegalArgumentException("not an operation: " + line);
        }
        return new Operation(Integer.parseInt(f[1]), f[2], Kind.valueOf(f[3]), unword(f[4]), Integer.parseInt(f[5]),
                Outcome.valueOf(f[6]), unword(f[7]), Integer.parseInt(f[8]), Long.parseLong(f[9]),
                Long.parseLong(f[10]));
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    private static String unword(String s) {
        return s.equals("-") ? null : s;
    }
}
