package dev.keeper.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What watches a server while it is measured "observed": Prometheus scraping {@code /metrics} every second (the
 * whole body read), a console page holding {@code GET /console/api/events} open (every server-sent event line
 * read) and polling {@code /console/api/overview} every 2 s, as the page does. Each on its own thread of the
 * benchmark's process; {@link #stop()} ends them and returns what they consumed, so a reader of the report sees
 * that they really ran.
 */
final class Observers {
    static final long SCRAPE_EVERY_MS = 1000;
    static final long OVERVIEW_EVERY_MS = 2000;
    static final String METRICS = "/metrics";
    static final String EVENTS = "/console/api/events";
    static final String OVERVIEW = "/console/api/overview";
    private static final int TIMEOUT_MS = 10_000;
    /** The console sends a keepalive comment every 10 s; a stream silent for longer is broken. */
    private static final int EVENTS_READ_TIMEOUT_MS = 30_000;
    private static final long CONNECT_WAIT_MS = 5_000;

    /**
     * What the observers consumed during one observed repeat.
     *
     * @param seconds        from start to stop
     * @param scrapes        {@code /metrics} scrapes answered 200 and read to the end
     * @param scrapeBytes    their bodies' bytes, all together
     * @param slowestScrapeMillis the slowest scrape, connect to last byte
     * @param overviews      {@code /console/api/overview} polls answered 200
     * @param eventsConnected the event stream answered 200 as {@code text/event-stream}
     * @param eventLines     lines read from the event stream (blank separators included)
     * @param events         {@code event: watch} lines among them (one per fired watch event)
     * @param keepalives     comment lines ({@code : keepalive})
     * @param errors         requests that failed or answered other than 200, and a stream that broke before stop
     * @param firstError     the first such failure, or null
     */
    record Counts(double seconds, long scrapes, long scrapeBytes, double slowestScrapeMillis, long overviews,
                  boolean eventsConnected, long eventLines, long events, long keepalives, long errors,
                  String firstError) {
        double eventsPerSecond() {
            return seconds > 0 ? events / seconds : Double.NaN;
        }
    }

    private final int metricsPort;
    private final int adminPort;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService pollers = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "observer-poll");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong scrapes = new AtomicLong();
    private final AtomicLong scrapeBytes = new AtomicLong();
    private final AtomicLong slowestScrapeMicros = new AtomicLong();
    private final AtomicLong overviews = new AtomicLong();
    private final AtomicLong eventLines = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong keepalives = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final AtomicReference<MiniHttp.Response> stream = new AtomicReference<>();
    private final java.util.concurrent.CountDownLatch streamOpen = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean connected;
    private volatile boolean stopping;
    private final Thread reader;

    private Observers(int metricsPort, int adminPort) {
        this.metricsPort = metricsPort;
        this.adminPort = adminPort;
        this.reader = new Thread(this::readEvents, "observer-events");
        this.reader.setDaemon(true);
    }

    /**
     * Starts the three observers against Prometheus on {@code metricsPort} and the console on {@code adminPort};
     * returns once the event stream answered (or failed, or 5 s went by).
     */
    static Observers start(int metricsPort, int adminPort) throws InterruptedException {
        Observers o = new Observers(metricsPort, adminPort);
        o.reader.start();
        o.streamOpen.await(CONNECT_WAIT_MS, TimeUnit.MILLISECONDS);
        o.pollers.scheduleAtFixedRate(o::scrape, 0, SCRAPE_EVERY_MS, TimeUnit.MILLISECONDS);
        o.pollers.scheduleAtFixedRate(o::overview, 0, OVERVIEW_EVERY_MS, TimeUnit.MILLISECONDS);
        return o;
    }

    private void scrape() {
        try {
            MiniHttp.Fetched f = MiniHttp.get(metricsPort, METRICS, TIMEOUT_MS);
            if (f.status() != 200) {
                error("GET " + METRICS + " answered " + f.status());
                return;
            }
            scrapes.incrementAndGet();
            scrapeBytes.addAndGet(f.body().length);
            slowestScrapeMicros.accumulateAndGet((long) (f.millis() * 1000), Math::max);
        } catch (IOException | RuntimeException e) {
            error("GET " + METRICS + ": " + e);
        }
    }

    private void overview() {
        try {
            MiniHttp.Fetched f = MiniHttp.get(adminPort, OVERVIEW, TIMEOUT_MS);
            if (f.status() != 200) {
                error("GET " + OVERVIEW + " answered " + f.status());
                return;
            }
            overviews.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            error("GET " + OVERVIEW + ": " + e);
        }
    }

    private void readEvents() {
        try (MiniHttp.Response r = MiniHttp.open(adminPort, EVENTS, "text/event-stream", EVENTS_READ_TIMEOUT_MS)) {
            stream.set(r);
            String type = r.header("content-type");
            if (r.status() != 200 || type == null || !type.startsWith("text/event-stream")) {
                error("GET " + EVENTS + " answered " + r.status() + " " + type);
                return;
            }
            connected = true;
            streamOpen.countDown();
            if (stopping) {
                return;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8), 64 * 1024);
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                eventLines.incrementAndGet();
                if (line.startsWith("event:")) {
                    if (line.substring(6).trim().equals("watch")) {
                        events.incrementAndGet();
                    }
                } else if (line.startsWith(":")) {
                    keepalives.incrementAndGet();
                }
            }
            if (!stopping) {
                error("GET " + EVENTS + ": the server ended the stream");
            }
        } catch (IOException | RuntimeException e) {
            if (!stopping) {
                error("GET " + EVENTS + ": " + e);
            }
        } finally {
            streamOpen.countDown();
        }
    }

    private void error(String what) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, what);
    }

    /** Stops every observer and returns what they consumed. */
    Counts stop() throws InterruptedException {
        stopping = true;
        pollers.shutdown();
        if (!pollers.awaitTermination(TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS)) {
            pollers.shutdownNow();
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        MiniHttp.Response r = stream.get();
        if (r != null) {
            r.close();
        }
        reader.join(5000);
        return new Counts(seconds, scrapes.get(), scrapeBytes.get(), slowestScrapeMicros.get() / 1000.0,
                overviews.get(), connected, eventLines.get(), events.get(), keepalives.get(), errors.get(),
                firstError.get());
    }
}
