package dev.keeper.wire.testing;

import java.lang.management.ManagementFactory;
import java.util.Base64;

/**
 * Runs a parser on one fuzzed input and holds it to the rules every fuzz target checks:
 * <ul>
 *   <li>it returns a value or throws its documented failure ({@code IOException}, {@code CorruptLogException},
 *   {@code CorruptedFrameException}...); any other exception or error escaping it — a NullPointerException, an
 *   IndexOutOfBounds, a NegativeArraySize, an OutOfMemoryError, a StackOverflowError — is a bug;</li>
 *   <li>it allocates at most {@code perInputByte} bytes per input byte plus {@code constant}, counted on this
 *   thread by {@code com.sun.management.ThreadMXBean.getCurrentThreadAllocatedBytes}: a length field that says
 *   2 GB must not cost 2 GB, whether or not the bytes behind it then turn out to be missing.</li>
 * </ul>
 * Every failure carries the input in Base64, so that a finding reported only in a CI log can still be decoded
 * into the target's inputs directory and committed as a regression case.
 */
public final class ParserRun {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The call under test. */
    public interface Parse<T> {
        T run() throws Exception;
    }

    /** What the parser did: returned {@code value}, or threw its documented {@code failure}. */
    public record Outcome<T>(T value, Exception failure) {
        public boolean accepted() {
            return failure == null;
        }
    }

    private final Class<? extends Exception> documented;
    private final long perInputByte;
    private final long constant;

    private ParserRun(Class<? extends Exception> documented, long perInputByte, long constant) {
        this.documented = documented;
        this.perInputByte = perInputByte;
        this.constant = constant;
    }

    /** A parser whose only documented failure is {@code documented} (and its subclasses). */
    public static ParserRun of(Class<? extends Exception> documented, long perInputByte, long constant) {
        return new ParserRun(documented, perInputByte, constant);
    }

    /** Runs {@code parse} on {@code input}; throws an AssertionError when a rule above is broken. */
    public <T> Outcome<T> run(byte[] input, Parse<T> parse) {
        return run(input, input.length, parse);
    }

    /**
     * Runs {@code parse} on {@code size} bytes of the fuzzed {@code input} (one frame of a connection, say): the
     * bound is on {@code size}, and a failure carries the whole input, the one to commit as a regression case.
     */
    public <T> Outcome<T> run(byte[] input, int size, Parse<T> parse) {
        long before = allocatedBytes();
        Outcome<T> outcome = outcome(input, parse);
        long allocated = allocatedBytes() - before;
        long bound = perInputByte * size + constant;
        // Up to three times more before calling it a finding, keeping the least: the first call of a JVM also pays
        // for loading and initialising the classes it uses (megabytes, for Netty), and a first call down a new path
        // for what the fuzzer's instrumentation sets up there once (a CI run saw 154 KB twice running, for 51
        // bytes, early in a fuzzing run); what the parser itself allocates is the same every time.
        for (int again = 0; again < 3 && allocated > bound; again++) {
            before = allocatedBytes();
            outcome(input, parse);
            allocated = Math.min(allocated, allocatedBytes() - before);
        }
        if (allocated > bound) {
            throw finding(input, "allocated " + allocated + " bytes for an input of " + size
                    + " bytes, over the bound of " + perInputByte + " per input byte + " + constant
                    + " (outcome: " + (outcome.accepted() ? "accepted" : outcome.failure()) + ")", null);
        }
        return outcome;
    }

    private <T> Outcome<T> outcome(byte[] input, Parse<T> parse) {
        try {
            return new Outcome<>(parse.run(), null);
        } catch (Throwable t) {
            if (!documented.isInstance(t)) {
                throw finding(input, t + " escaped the parser, whose only documented failure is "
                        + documented.getSimpleName(), t);
            }
            return new Outcome<>(null, (Exception) t);
        }
    }

    private static long allocatedBytes() {
        if (!THREADS.isThreadAllocatedMemoryEnabled()) {
            THREADS.setThreadAllocatedMemoryEnabled(true);
        }
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** A broken property of one input: the message says what, and carries the input. */
    public static AssertionError finding(byte[] input, String what, Throwable cause) {
        return new AssertionError(what + "\ninput (" + input.length + " bytes, Base64): "
                + Base64.getEncoder().encodeToString(input), cause);
    }
}
