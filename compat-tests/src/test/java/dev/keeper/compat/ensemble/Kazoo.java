package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.fail;

import dev.keeper.compat.ops.Subprocess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Kazoo as the ensemble suites run it: Debian's {@code python3-kazoo} under {@code /usr/bin/python3} (the default
 * python3 here is another interpreter without it). A missing Kazoo fails the test, never skips it: in CI a
 * compatibility test does not silently pass.
 */
final class Kazoo {
    static final String PYTHON = "/usr/bin/python3";
    private static final String INSTALL = "Kazoo for /usr/bin/python3 is needed: apt-get install -y "
            + "python3-kazoo (bin/test.sh installs it).";

    private Kazoo() {
    }

    /** Fails the calling test when Kazoo cannot be imported. */
    static void require() {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(PYTHON + " is missing. " + INSTALL);
        }
        Subprocess.Result r = Subprocess.run(Duration.ofMinutes(1), Map.of("PYTHONDONTWRITEBYTECODE", "1"),
                List.of(PYTHON, "-c", "import kazoo.client"));
        if (r.exitCode() != 0) {
            fail(INSTALL + "\n" + r.describe());
        }
    }
}
