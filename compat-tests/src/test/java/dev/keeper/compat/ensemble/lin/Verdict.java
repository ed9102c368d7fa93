package dev.keeper.compat.ensemble.lin;

import java.util.List;

/**
 * What the checker found for one znode, or for a whole history: linearizable, not (with an explanation), or
 * unknown because the search ran out of its step budget — which proves nothing either way and must not pass.
 *
 * @param key the znode; for a whole history, the one that decided it (null when all are linearizable)
 * @param operations operations checked (reads of unknown outcome, which constrain nothing, not counted)
 * @param steps search steps taken
 */
public record Verdict(Result result, String key, int operations, long steps, String explanation) {

    public enum Result { LINEARIZABLE, NOT_LINEARIZABLE, UNKNOWN }

    public boolean linearizable() {
        return result == Result.LINEARIZABLE;
    }

    /**
     * A history's verdict from its znodes' (P-compositionality: a history of independent registers is
     * linearizable exactly when each register's is): the first violation, else the first unknown, else
     * linearizable; operations and steps summed.
     */
    static Verdict combine(List<Verdict> perKey) {
        int ops = perKey.stream().mapToInt(Verdict::operations).sum();
        long steps = perKey.stream().mapToLong(Verdict::steps).sum();
        for (Result worst : List.of(Result.NOT_LINEARIZABLE, Result.UNKNOWN)) {
            for (Verdict v : perKey) {
                if (v.result == worst) {
                    return new Verdict(worst, v.key, ops, steps, v.explanation);
                }
            }
        }
        return new Verdict(Result.LINEARIZABLE, null, ops, steps, perKey.size() + " znodes, each linearizable");
    }

    @Override
    public String toString() {
        return result + (key == null ? "" : " at " + key) + " (" + operations + " operations, " + steps
                + " steps): " + explanation;
    }
}
