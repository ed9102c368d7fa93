package dev.keeper.server.admin;

import dev.keeper.server.config.AdminConfig;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore command ({@code RestoreCommand}): POST a snapshot file, and the server's state becomes it. Needs ALL
 * on "/" ({@link AdminAuth}), and runs at most once per {@code zookeeper.admin.rateLimiterIntervalInMS} (five
 * minutes by default). Answers {@code last_zxid}, the zxid the server stands at afterwards.
 */
final class RestoreCommand {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreCommand.class);

    private final AdminConfig config;
    private final RateLimit limit;

    RestoreCommand(AdminConfig config, LongSupplier clockMillis) {
        this.config = config;
        this.limit = new RateLimit(config.rateLimitMs(), clockMillis);
    }

    /** HTTP thread, once the whole body is on disk. */
    void run(Command.Call c, CommandResponse out) {
        if (!config.restoreEnabled()) {
            LOG.warn("Restore command is disabled");
            out.status(503);
            return;
        }
        if (c.body() == null) {
            LOG.warn("Restore request has no body");
            out.status(400);
            return;
        }
        if (!limit.allow()) {
            LOG.warn("Restore request was rate limited");
            c.view().metrics().counter("restore_rate_limited_count").increment();
            out.status(429);
            return;
        }
        out.later(c.view().restore(c.body()).handle((zxid, failure) -> {
            if (failure != null) {
                LOG.warn("Restoring from the posted snapshot failed: {}", failure.getMessage());
                c.view().metrics().counter("restore_error_count").increment();
                return out.status(500);
            }
            return out.put("last_zxid", zxid);
        }));
    }
}
