package dev.keeper.compat.diff;

import java.util.ArrayList;
import java.util.List;

/** What one server showed a scenario, normalised: lines of text, compared exactly. */
record Transcript(List<String> lines) {
    Transcript {
        lines = List.copyOf(lines);
    }

    @Override
    public String toString() {
        return String.join("\n", lines);
    }

    /**
     * A line diff of {@code expected} (ZooKeeper) against {@code actual} (ours) over the whole transcript:
     * unchanged lines are kept for context, "- " marks what only ZooKeeper showed, "+ " what only we showed.
     */
    static String diff(Transcript expected, Transcript actual) {
        List<String> a = expected.lines();
        List<String> b = actual.lines();
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                out.add("  " + a.get(i++));
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("+ " + b.get(j++));
            } else {
                out.add("- " + a.get(i++));
            }
        }
        return String.join("\n", out);
    }
}
