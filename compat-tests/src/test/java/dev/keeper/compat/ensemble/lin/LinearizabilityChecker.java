package dev.keeper.compat.ensemble.lin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a {@link History} of writes, compare-and-sets and synced reads on a few znodes is linearizable:
 * whether there is one order of the operations, each placed between its invocation and its return (an operation of
 * unknown outcome anywhere after its invocation, or nowhere), in which every answer is what the {@link Register}
 * model gives. Each znode is an independent register, so each is checked on its own (Herlihy &amp; Wing's
 * locality; Porcupine's P-compositionality) by a {@link KeySearch}, with a budget of steps per znode: a search
 * that runs out says UNKNOWN, never yes.
 */
public final class LinearizabilityChecker {
    private final long budgetPerKey;

    public LinearizabilityChecker(long budgetPerKey) {
        this.budgetPerKey = budgetPerKey;
    }

    /** The history's verdict: the first znode that is not linearizable, else the first unknown, else yes. */
    public Verdict check(History history) {
        return Verdict.combine(checkEach(history));
    }

    /** One verdict per znode, in the order of the history's first operations on them. */
    public List<Verdict> checkEach(History history) {
        Map<String, Register> initial = history.initial();
        List<Verdict> verdicts = new ArrayList<>();
        history.byKey().forEach((key, ops) -> {
            Register start = initial.get(key);
            if (start == null) {
                throw new IllegalArgumentException("the history does not say what " + key + " held at first");
            }
            verdicts.add(new KeySearch(key, start, ops, budgetPerKey).run());
        });
        return verdicts;
    }
}
