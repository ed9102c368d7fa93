package dev.keeper.compat.ensemble.lin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The search for a linearization of one znode's history: Wing &amp; Gong's, as Lowe refined it and Porcupine
 * implements it. The determinate operations' invocations and returns form one list in time order; the search
 * walks it, and at each point tries to place next an operation invoked before the earliest return still in the
 * list (placing an operation lifts its two entries out). When the walk reaches a return, the operation that
 * returned there has not been placed, so the search backs up and tries the next candidate. Lowe's memo of
 * (operations placed, state) skips a configuration already explored.
 *
 * <p>An operation of unknown outcome never returns: it may be placed at any point after its invocation, or never
 * (placing it last, after everything, is the same as never). So it has no return entry, and the search is done
 * once every determinate operation is placed. At each point the determinate candidates are tried first, then the
 * unknown ones invoked before the earliest pending return — a heuristic: histories with no unknown outcome are
 * searched exactly as Porcupine does, and unknown ones are reached only when nothing else fits. Two rules keep
 * them cheap, both exact: an unknown operation that would change nothing here is not placed (that is the same as
 * placing it never); and unknown writes whose data no read saw ("blind") change only the version, so among blind
 * ones alike (writes, or CASes expecting the same version) that are all available, only the first is tried.
 *
 * <p>The search takes at most {@code budget} steps, and reports UNKNOWN rather than an answer when it runs out.
 * Owned by one thread; used once.
 */
final class KeySearch {
    /** How many operations of the longest prefix an explanation shows, and how many candidates. */
    private static final int SHOWN = 12;

    private final String key;
    private final Register initial;
    private final Operation[] determinate;
    private final Operation[] indeterminate;
    private final long budget;
    private final long t0;
    private final Node head = new Node(null, -1, true, Long.MIN_VALUE);
    private final BitSet placed = new BitSet();
    private final BitSet placedUnknown = new BitSet();
    private final Set<Memo> memo = new HashSet<>();
    /** For a blind unknown operation, the unknown operations alike with it, by invocation; else null. */
    private final int[][] alike;

    KeySearch(String key, Register initial, List<Operation> ops, long budget) {
        this.key = key;
        this.initial = initial;
        this.budget = budget;
        Comparator<Operation> byInvocation = Comparator.comparingLong(Operation::invokeNanos);
        this.determinate = ops.stream().filter(Operation::determinate).sorted(byInvocation)
                .toArray(Operation[]::new);
        // A read of unknown outcome constrains nothing; an unknown write or CAS may have taken effect.
        this.indeterminate = ops.stream().filter(op -> !op.determinate() && op.mayWrite()).sorted(byInvocation)
                .toArray(Operation[]::new);
        this.t0 = ops.stream().mapToLong(Operation::invokeNanos).min().orElse(0);
        this.alike = alikeUnknowns();
        link();
    }

    int operations() {
        return determinate.length + indeterminate.length;
    }

    /** One entry of the time-ordered list: an operation's invocation ({@code call}) or its return. */
    private static final class Node {
        final Operation op;
        final int index;
        final boolean call;
        final long time;
        Node match;
        Node prev;
        Node next;

        Node(Operation op, int index, boolean call, long time) {
            this.op = op;
            this.index = index;
            this.call = call;
            this.time = time;
        }
    }

    /**
     * One placed operation: a determinate one ({@code call}) or an unknown one ({@code unknown}, placed when the
     * walk stood at return {@code at}); the state before and after it. Frames form a persistent stack, so the
     * deepest one reached stays whole for the explanation.
     */
    private record Frame(Node call, int unknown, Node at, Register before, Register after, Frame parent,
            int depth) {
        Operation op(KeySearch s) {
            return call != null ? call.op : s.indeterminate[unknown];
        }
    }

    /**
     * Lowe's memo key: the operations placed and the state they leave. The determinate operations placed are
     * nearly always all of those invoked first and a few after, so the set is kept as the count of that run
     * ({@code low}: every operation below it placed) and the bits from there on: a few words, not one bit per
     * operation of the history.
     */
    private static final class Memo {
        private final Register state;
        private final int low;
        private final long[] above;
        private final long[] placedUnknown;
        private final int hash;

        Memo(Register state, BitSet placed, BitSet placedUnknown) {
            this.state = state;
            this.low = placed.nextClearBit(0);
            this.above = placed.get(low, Math.max(low, placed.length())).toLongArray();
            this.placedUnknown = placedUnknown.toLongArray();
            this.hash = 31 * (31 * (31 * state.hashCode() + low) + Arrays.hashCode(above))
                    + Arrays.hashCode(this.placedUnknown);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Memo m && hash == m.hash && low == m.low && state.equals(m.state)
                    && Arrays.equals(above, m.above) && Arrays.equals(placedUnknown, m.placedUnknown);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private void link() {
        List<Node> entries = new ArrayList<>();
        for (int i = 0; i < determinate.length; i++) {
            Operation op = determinate[i];
            if (op.returnNanos() < op.invokeNanos()) {
                throw new IllegalArgumentException("returned before it was invoked: " + op);
            }
            Node call = new Node(op, i, true, op.invokeNanos());
            Node ret = new Node(op, i, false, op.returnNanos());
            call.match = ret;
            ret.match = call;
            entries.add(call);
            entries.add(ret);
        }
        // Equal times: the invocation first, so that the two operations count as concurrent (the lenient reading).
        entries.sort(Comparator.comparingLong((Node n) -> n.time).thenComparing(n -> !n.call));
        Node last = head;
        for (Node n : entries) {
            last.next = n;
            n.prev = last;
            last = n;
        }
    }

    private int[][] alikeUnknowns() {
        Set<String> seen = new HashSet<>();
        for (Operation op : determinate) {
            if (op.kind() == Operation.Kind.READ) {
                seen.add(op.readValue());
            }
        }
        Map<String, List<Integer>> groups = new HashMap<>();
        for (int i = 0; i < indeterminate.length; i++) {
            Operation op = indeterminate[i];
            if (!seen.contains(op.value())) {
                groups.computeIfAbsent(op.kind() + " " + op.expectedVersion(), k -> new ArrayList<>()).add(i);
            }
        }
        int[][] result = new int[indeterminate.length][];
        for (List<Integer> group : groups.values()) {
            int[] members = group.stream().mapToInt(Integer::intValue).toArray();
            for (int i : members) {
                result[i] = members;
            }
        }
        return result;
    }

    /** Whether unknown operation {@code i} is the one of its blind kind to try (the first not yet placed). */
    private boolean representative(int i) {
        if (alike[i] == null) {
            return true;
        }
        for (int j : alike[i]) {
            if (!placedUnknown.get(j)) {
                return j == i;
            }
        }
        return false;
    }

    private static void lift(Node call) {
        for (Node n : new Node[] {call, call.match}) {
            n.prev.next = n.next;
            if (n.next != null) {
                n.next.prev = n.prev;
            }
        }
    }

    private static void unlift(Node call) {
        for (Node n : new Node[] {call.match, call}) {
            n.prev.next = n;
            if (n.next != null) {
                n.next.prev = n;
            }
        }
    }

    Verdict run() {
        Register state = initial;
        int remaining = determinate.length;
        Node entry = head.next;
        int from = 0; // the next unknown operation to try at this point, once the walk stands at a return
        Frame top = null;
        Frame deepest = null;
        long steps = 0;
        while (remaining > 0) {
            if (++steps > budget) {
                return new Verdict(Verdict.Result.UNKNOWN, key, operations(), steps - 1, "the search's budget of "
                        + budget + " steps ran out, having placed at most " + depth(deepest) + " of "
                        + determinate.length + " determinate operations: neither linearizable nor not");
            }
            if (entry.call) {
                Register next = state.step(entry.op);
                if (next != null) {
                    placed.set(entry.index);
                    if (memo.add(new Memo(next, placed, placedUnknown))) {
                        top = new Frame(entry, -1, null, state, next, top, depth(top) + 1);
                        if (top.depth > depth(deepest)) {
                            deepest = top;
                        }
                        lift(entry);
                        remaining--;
                        state = next;
                        entry = head.next;
                        from = 0;
                        continue;
                    }
                    placed.clear(entry.index);
                }
                entry = entry.next;
                continue;
            }
            // The walk stands at the earliest return of an unplaced operation: every determinate candidate has
            // been tried here; now the unknown ones invoked before it.
            if (from < indeterminate.length && indeterminate[from].invokeNanos() <= entry.time) {
                int i = from++;
                if (placedUnknown.get(i) || !representative(i)) {
                    continue;
                }
                Register next = state.step(indeterminate[i]);
                if (next.equals(state)) {
                    continue;
                }
                placedUnknown.set(i);
                if (memo.add(new Memo(next, placed, placedUnknown))) {
                    top = new Frame(null, i, entry, state, next, top, depth(top));
                    state = next;
                    entry = head.next;
                    from = 0;
                    continue;
                }
                placedUnknown.clear(i);
                continue;
            }
            if (top == null) {
                return new Verdict(Verdict.Result.NOT_LINEARIZABLE, key, operations(), steps, explain(deepest));
            }
            state = top.before;
            if (top.call != null) {
                unlift(top.call);
                placed.clear(top.call.index);
                remaining++;
                entry = top.call.next;
                from = 0;
            } else {
                placedUnknown.clear(top.unknown);
                entry = top.at;
                from = top.unknown + 1;
            }
            top = top.parent;
        }
        return new Verdict(Verdict.Result.LINEARIZABLE, key, operations(), steps, "linearizable");
    }

    private static int depth(Frame f) {
        return f == null ? 0 : f.depth;
    }

    /**
     * The longest linearizable prefix the search found (its last operations, with the state after each), and the
     * operations none of which could be placed after it: those invoked before the earliest return among the
     * unplaced, each with why not.
     */
    private String explain(Frame deepest) {
        Deque<Frame> prefix = new ArrayDeque<>();
        for (Frame f = deepest; f != null; f = f.parent) {
            prefix.addFirst(f);
        }
        BitSet done = new BitSet();
        for (Frame f : prefix) {
            if (f.call != null) {
                done.set(f.call.index);
            }
        }
        Register state = deepest == null ? initial : deepest.after;
        StringBuilder b = new StringBuilder();
        b.append("no order of the operations on ").append(key).append(" explains what the clients saw; times from ")
                .append("the first invocation.\nThe longest linearizable prefix found places ")
                .append(depth(deepest)).append(" of ").append(determinate.length)
                .append(" determinate operations, starting from ").append(initial);
        int skip = Math.max(0, prefix.size() - SHOWN);
        b.append(skip > 0 ? "; its last " + SHOWN + ":\n" : ":\n");
        prefix.stream().skip(skip).forEach(f -> b.append("  ").append(f.op(this).describe(t0))
                .append(f.call == null ? " (placed as taking effect)" : "").append("  => ").append(f.after)
                .append('\n'));
        long earliestReturn = Long.MAX_VALUE;
        for (int i = 0; i < determinate.length; i++) {
            if (!done.get(i)) {
                earliestReturn = Math.min(earliestReturn, determinate[i].returnNanos());
            }
        }
        b.append("None of these could come next, from ").append(state).append(":\n");
        int shown = 0;
        for (int i = 0; i < determinate.length && shown < SHOWN; i++) {
            Operation op = determinate[i];
            if (!done.get(i) && op.invokeNanos() <= earliestReturn) {
                String why = state.whyNot(op);
                b.append("  ").append(op.describe(t0)).append(": ")
                        .append(why != null ? why : "it fits, but nothing fits after it").append('\n');
                shown++;
            }
        }
        b.append("(one of them must: ").append(String.format(java.util.Locale.ROOT, "%.3f",
                (earliestReturn - t0) / 1e6)).append(" ms is the earliest return among the operations not placed)");
        return b.toString();
    }
}
