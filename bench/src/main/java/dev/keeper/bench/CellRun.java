package dev.keeper.bench;

/**
 * One measured repeat of a cell against one server.
 *
 * @param ops         successful replies received inside the measured span
 * @param seconds     the measured span
 * @param p50Micros   median latency of those replies, send to reply, in microseconds
 * @param p99Micros   99th percentile latency, in microseconds
 * @param errors      replies with an error code (any time during the repeat)
 * @param firstError  the first error code seen, or null
 */
record CellRun(long ops, double seconds, double p50Micros, double p99Micros, long errors, String firstError) {
    double opsPerSecond() {
        return seconds > 0 ? ops / seconds : Double.NaN;
    }
}
