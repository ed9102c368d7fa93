package dev.keeper.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The ensemble part: a three-member ensemble of ours against one of ZooKeeper 3.9.5, members as processes on
 * 127.0.0.1 (fsync on, the same heap, flags and zoo.cfg for every member). The two ensembles never run at once:
 * each repeat starts a fresh ensemble of one server, runs the cells with sessions spread over its members,
 * kills its leader (and, if asked, times a member's catch-up), and stops it before the other server's ensemble
 * starts; which server goes first alternates between repeats. Figures are medians over repeats (over kills for the
 * write gap).
 *
 * <p>The cells run twice per repeat: cold, on members a few seconds of load old, and warm, after
 * {@code --ensemble-warmup-ms} of load per operation. The warm pass is the one with the target: a member serves for
 * days, and on 2 cores with three members at once ours took about two minutes of load for its JIT to finish
 * (after one by-hand run the leader had compiled 9,000 methods in 60 s of compilation tasks, by jstat -compiler),
 * where 10 s per operation left pipelined setData at a third of the rate it then reached. ZooKeeper's members get
 * the same load.
 */
final class EnsembleBench {
    /** The cells, in the order each repeat runs them. */
    static final List<Cell> CELLS = List.of(
            new Cell(Op.SET_DATA, 1, Mode.LATENCY),
            new Cell(Op.SET_DATA, 32, Mode.THROUGHPUT),
            new Cell(Op.GET_DATA, 32, Mode.THROUGHPUT),
            new Cell(Op.MIX, 32, Mode.THROUGHPUT),
            new Cell(Op.MULTI_SET_DATA, 8, Mode.THROUGHPUT),
            new Cell(Op.SYNC_GET_DATA, 8, Mode.LATENCY),
            new Cell(Op.SYNC_GET_DATA, 8, Mode.THROUGHPUT));
    private static final List<Op> WARM_UP = List.of(Op.SET_DATA, Op.GET_DATA, Op.MIX, Op.MULTI_SET_DATA,
            Op.SYNC_GET_DATA);

    /**
     * What the part measured.
     *
     * @param heap      -Xms/-Xmx of every member
     * @param cells     each cell's repeats on both ensembles, warm (after the ensemble warm-up)
     * @param coldCells the same cells run before that warm-up, on members a few seconds of load old
     * @param coldLoadMillis the unmeasured load per operation before the cold pass
     * @param warmLoadMillis the ensemble warm-up: unmeasured load per operation between the passes
     * @param kills     the write gap of every leader kill, per server
     * @param catchUps  every catch-up, per server (empty lists when not measured)
     */
    record Figures(String heap, List<Report.CellRow> cells, List<Report.CellRow> coldCells, long coldLoadMillis,
                   long warmLoadMillis, Report.Pair<List<LeaderKill.Gap>> kills, Report.Pair<List<CatchUp.Time>> catchUps) {
        static double medianFirstAck(List<LeaderKill.Gap> gaps) {
            return Stats.median(gaps.stream().map(LeaderKill.Gap::firstAckMillis).toList());
        }

        static double medianAllAck(List<LeaderKill.Gap> gaps) {
            return Stats.median(gaps.stream().map(LeaderKill.Gap::allAckMillis).toList());
        }

        static double medianCatchUp(List<CatchUp.Time> times) {
            return Stats.median(times.stream().map(CatchUp.Time::millis).toList());
        }
    }

    private final Options options;
    private final ServerSetup setup;
    private final Path runDir;
    private final ProcessGuard guard;
    private final byte[] data;
    private final Consumer<String> log;
    private final Consumer<String> note;

    EnsembleBench(Options options, ServerSetup setup, Path runDir, ProcessGuard guard, byte[] data,
                  Consumer<String> log, Consumer<String> note) {
        this.options = options;
        this.setup = setup;
        this.runDir = runDir;
        this.guard = guard;
        this.data = data;
        this.log = log;
        this.note = note;
    }

    Figures measure() throws InterruptedException {
        Map<ServerKind, List<List<CellRun>>> cold = new EnumMap<>(ServerKind.class);
        Map<ServerKind, List<List<CellRun>>> warm = new EnumMap<>(ServerKind.class);
        Map<ServerKind, List<LeaderKill.Gap>> kills = new EnumMap<>(ServerKind.class);
        Map<ServerKind, List<CatchUp.Time>> catchUps = new EnumMap<>(ServerKind.class);
        for (ServerKind kind : ServerKind.values()) {
            cold.put(kind, perCell());
            warm.put(kind, perCell());
            kills.put(kind, new ArrayList<>());
            catchUps.put(kind, new ArrayList<>());
        }
        for (int rep = 0; rep < options.repeats(); rep++) {
            for (ServerKind kind : BenchMain.order(rep)) {
                repeat(kind, rep, cold.get(kind), warm.get(kind), kills.get(kind), catchUps.get(kind));
            }
        }
        return new Figures(setup.heap(), rows(warm), rows(cold), options.serverWarmupMillis(),
                options.ensembleWarmupMillis(), pair(kills), pair(catchUps));
    }

    private static List<List<CellRun>> perCell() {
        List<List<CellRun>> perCell = new ArrayList<>();
        CELLS.forEach(c -> perCell.add(new ArrayList<>()));
        return perCell;
    }

    private static List<Report.CellRow> rows(Map<ServerKind, List<List<CellRun>>> runs) {
        List<Report.CellRow> rows = new ArrayList<>();
        for (int c = 0; c < CELLS.size(); c++) {
            rows.add(new Report.CellRow(CELLS.get(c), runs.get(ServerKind.OURS).get(c),
                    runs.get(ServerKind.ZOOKEEPER).get(c)));
        }
        return rows;
    }

    private static <T> Report.Pair<List<T>> pair(Map<ServerKind, List<T>> perServer) {
        return new Report.Pair<>(List.copyOf(perServer.get(ServerKind.OURS)),
                List.copyOf(perServer.get(ServerKind.ZOOKEEPER)));
    }

    /**
     * One repeat on a fresh ensemble of {@code kind}: every cell once cold, the ensemble warm-up, every cell once
     * warm, then the kills, then the catch-up.
     */
    private void repeat(ServerKind kind, int rep, List<List<CellRun>> cold, List<List<CellRun>> warm,
                        List<LeaderKill.Gap> kills, List<CatchUp.Time> catchUps) throws InterruptedException {
        String tag = "ensemble rep " + (rep + 1) + "/" + options.repeats() + " " + kind.label();
        log.accept(tag + ": starting 3 members, load average " + BenchMain.loadAverage());
        int coldDone = 0;
        int warmDone = 0;
        try (Ensemble ensemble = Ensemble.start(kind, setup, runDir, guard)) {
            int leader = ensemble.awaitReady();
            List<Integer> order = ensemble.followersThenLeader(leader);
            log.accept(tag + ": " + ensemble + ", leader " + leader + "; sessions spread over members " + order);
            int maxSessions = CELLS.stream().mapToInt(Cell::sessions).max().orElseThrow();
            try (LoadTarget target = LoadTarget.openSpread(i -> ensemble.connectString(order.get(i % order.size())),
                    ensemble::allAlive, maxSessions, data, options.window())) {
                target.warmUp(WARM_UP, options.serverWarmupMillis());
                for (Cell cell : CELLS) {
                    cold.get(coldDone).add(runOne(target, cell, kind, tag + " cold", ensemble));
                    coldDone++;
                }
                log.accept(tag + ": warm-up, " + options.ensembleWarmupMillis() + " ms per operation, load average "
                        + BenchMain.loadAverage());
                target.warmUp(WARM_UP, options.ensembleWarmupMillis());
                for (Cell cell : CELLS) {
                    warm.get(warmDone).add(runOne(target, cell, kind, tag + " warm", ensemble));
                    warmDone++;
                }
            }
            for (int k = 0; k < options.ensembleKills(); k++) {
                LeaderKill.Gap gap = LeaderKill.measure(ensemble, data);
                kills.add(gap);
                log.accept(String.format(Locale.ROOT, "%s: killed leader %d, new leader %d; first write after %.0f ms,"
                                + " every surviving writer after %.0f ms; %d writes failed (%s)", tag,
                        gap.killedLeader(), gap.newLeader(), gap.firstAckMillis(), gap.allAckMillis(),
                        gap.failedWrites(), gap.firstFailure()));
                if (gap.firstFailure() != null && !gap.firstFailure().equals("CONNECTIONLOSS")) {
                    note.accept(tag + ", leader kill: writes failed with " + gap.firstFailure());
                }
            }
            if (options.catchupZnodes() > 0) {
                CatchUp.Time t = CatchUp.measure(ensemble, options.catchupZnodes(), data);
                catchUps.add(t);
                log.accept(String.format(Locale.ROOT, "%s: member %d stopped while %,d znodes were created (%.1f s);"
                                + " restarted, its zxid equal to the leader's %s after %.0f ms", tag, t.member(),
                        t.znodes(), t.fillSeconds(), t.zxid(), t.millis()));
            }
        } catch (IOException | RuntimeException e) {
            note.accept(tag + ": " + e.getMessage());
            for (int c = coldDone; c < CELLS.size(); c++) {
                cold.get(c).add(failed());
            }
            for (int c = warmDone; c < CELLS.size(); c++) {
                warm.get(c).add(failed());
            }
        }
    }

    private CellRun runOne(LoadTarget target, Cell cell, ServerKind kind, String tag, Ensemble ensemble)
            throws InterruptedException {
        CellRun run;
        try {
            run = target.run(cell, options.warmupMillis(), options.measureMillis());
        } catch (IllegalStateException e) {
            note.accept(tag + ", " + cell + ": " + e.getMessage() + "; " + ensemble);
            return failed();
        }
        if (run.errors() > 0) {
            note.accept(tag + ", " + cell + ": " + run.errors() + " requests failed, first with " + run.firstError());
        }
        log.accept(String.format(Locale.ROOT, "%s %-28s %,10.0f ops/s  p50 %8.1f us  p99 %9.1f us%s", tag, cell,
                run.opsPerSecond(), run.p50Micros(), run.p99Micros(),
                run.errors() > 0 ? "  errors " + run.errors() + " (" + run.firstError() + ")" : ""));
        return run;
    }

    private CellRun failed() {
        return new CellRun(0, options.measureMillis() / 1000.0, Double.NaN, Double.NaN, 1, "FAILED");
    }
}
