package dev.keeper.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Time to deliver one change to many watchers: on each server, {@code sessions} light sessions each hold a data
 * watch on one znode; a stock client's setData changes it; measured from that setData's send to the last
 * notification's arrival (and to the median one). Both servers hold their sessions at once, each from its own
 * {@link FanOutWorker} process, and take turns, alternating which goes first, so drift in the machine's load hits
 * both alike. One unmeasured round each first, then {@code repeats} measured rounds each.
 */
final class FanOutBench {
    /**
     * @param sessions       watching sessions
     * @param lastMillis     per round: setData sent to the last notification received
     * @param medianMillis   per round: setData sent to the median notification
     * @param armMillis      per round: every session's getData(watch) sent at once, to the last reply
     * @param connectSeconds how long opening the sessions took
     */
    record Figures(int sessions, List<Double> lastMillis, List<Double> medianMillis, List<Double> armMillis,
                   double connectSeconds) {
        double medianLastMillis() {
            return Stats.median(lastMillis);
        }

        double medianMedianMillis() {
            return Stats.median(medianMillis);
        }

        double medianArmMillis() {
            return Stats.median(armMillis);
        }
    }

    private FanOutBench() {
    }

    static Map<ServerKind, Figures> measure(Map<ServerKind, ServerProcess> servers, int sessions, int repeats,
                                           Path runDir, ProcessGuard guard) throws IOException, InterruptedException {
        Map<ServerKind, FanOutWorkerProcess> workers = new EnumMap<>(ServerKind.class);
        Map<ServerKind, List<FanOutWorkerProcess.Round>> rounds = new EnumMap<>(ServerKind.class);
        try {
            for (ServerKind kind : ServerKind.values()) {
                workers.put(kind, FanOutWorkerProcess.start(servers.get(kind), sessions, runDir, guard));
                rounds.put(kind, new ArrayList<>());
            }
            for (int round = 0; round <= repeats; round++) {
                for (ServerKind kind : round % 2 == 0 ? List.of(ServerKind.OURS, ServerKind.ZOOKEEPER)
                        : List.of(ServerKind.ZOOKEEPER, ServerKind.OURS)) {
                    FanOutWorkerProcess.Round r = workers.get(kind).round();
                    if (round > 0) {
                        rounds.get(kind).add(r);
                    }
                }
            }
            Map<ServerKind, Figures> out = new EnumMap<>(ServerKind.class);
            for (ServerKind kind : ServerKind.values()) {
                List<Double> last = new ArrayList<>();
                List<Double> median = new ArrayList<>();
                List<Double> arm = new ArrayList<>();
                for (FanOutWorkerProcess.Round r : rounds.get(kind)) {
                    last.add(r.lastNanos() / 1e6);
                    median.add(r.medianNanos() / 1e6);
                    arm.add(r.armNanos() / 1e6);
                }
                out.put(kind, new Figures(sessions, last, median, arm, workers.get(kind).connectSeconds()));
            }
            return out;
        } finally {
            for (FanOutWorkerProcess w : workers.values()) {
                w.close();
            }
        }
    }
}
