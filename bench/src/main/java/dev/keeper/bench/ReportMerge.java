package dev.keeper.bench;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * How a partial run ({@code --only=...}) updates {@code latest.md} without losing what it did not re-run: the new
 * run's page first, then the previous page's runs, each with the sections this run replaced taken out (and
 * dropped altogether once none of its measurement sections is left). Each run's block keeps its own header
 * (start time, load average, settings), so every figure stays next to the conditions it was measured in.
 */
final class ReportMerge {
    /** The line that separates one run's block from an earlier run's. */
    static final String CARRIED = "---\n\n*Carried over from an earlier run (the sections above replaced the"
            + " rest of it):*\n\n";

    private ReportMerge() {
    }

    static String merge(String newPage, String oldPage, Set<Options.Phase> ran) {
        StringBuilder out = new StringBuilder(newPage.stripTrailing()).append("\n\n");
        if (oldPage == null || oldPage.isBlank()) {
            return out.toString();
        }
        for (String block : oldPage.split(java.util.regex.Pattern.quote(CARRIED))) {
            String kept = withoutSections(block, ran);
            if (kept != null) {
                out.append(CARRIED).append(kept.stripTrailing()).append("\n\n");
            }
        }
        return out.toString();
    }

    /** The block without the sections of {@code ran}; null when no measurement section is left. */
    static String withoutSections(String block, Set<Options.Phase> ran) {
        List<String> parts = new ArrayList<>();
        int at = 0;
        while (true) {
            int next = block.indexOf("\n## ", at);
            if (next < 0) {
                parts.add(block.substring(at));
                break;
            }
            parts.add(block.substring(at, next + 1));
            at = next + 1;
        }
        StringBuilder sb = new StringBuilder(parts.get(0)); // title and header bullets
        int measured = 0;
        for (String section : parts.subList(1, parts.size())) {
            Set<Options.Phase> phases = phasesOf(section);
            if (!phases.isEmpty() && phases.stream().anyMatch(ran::contains)) {
                continue;
            }
            if (!phases.isEmpty()) {
                measured++;
            }
            sb.append(section);
        }
        return measured == 0 ? null : sb.toString();
    }

    /** The phases a section's figures come from; empty for the problems section. */
    static Set<Options.Phase> phasesOf(String section) {
        if (section.startsWith("## Load")) {
            return EnumSet.of(Options.Phase.LOAD);
        }
        if (section.startsWith("## Memory and fan-out")) {
            return EnumSet.of(Options.Phase.MEMORY, Options.Phase.FANOUT);
        }
        if (section.startsWith("## Durable writes")) {
            return EnumSet.of(Options.Phase.DURABLE);
        }
        if (section.startsWith("## Write latency while a snapshot")) {
            return EnumSet.of(Options.Phase.SNAPSHOT);
        }
        if (section.startsWith("## Start-up with")) {
            return EnumSet.of(Options.Phase.STARTUP);
        }
        if (section.startsWith("## Canary latency under a flood")) {
            return EnumSet.of(Options.Phase.FLOOD);
        }
        if (section.startsWith("## Ensemble of three members")) {
            return EnumSet.of(Options.Phase.ENSEMBLE);
        }
        if (section.startsWith("## TLS on the client port")) {
            return EnumSet.of(Options.Phase.TLS);
        }
        if (section.startsWith("## Observability")) {
            return EnumSet.of(Options.Phase.OBSERVE);
        }
        return EnumSet.noneOf(Options.Phase.class);
    }
}
