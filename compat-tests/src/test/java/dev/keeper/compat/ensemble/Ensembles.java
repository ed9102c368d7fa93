package dev.keeper.compat.ensemble;

import dev.keeper.compat.ops.Subprocess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The two ensembles a test class runs its scenarios against — ours and the real ZooKeeper 3.9.5's, three member
 * processes each — shared by the class's tests: all six processes are launched together before the first test
 * (they start in parallel), and killed after the last. A test takes one with {@link #ready}, which first restarts
 * any member an earlier test killed and waits until the three serve with a leader.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final Ensembles ENSEMBLES = new Ensembles();
 *
 * &#64;ParameterizedTest
 * &#64;EnumSource(EnsembleUnderTest.Server.class)
 * void scenario(EnsembleUnderTest.Server server) throws Exception {
 *     EnsembleUnderTest ensemble = ENSEMBLES.ready(server);
 *     ...
 * }
 * </pre>
 */
public final class Ensembles implements BeforeAllCallback, AfterAllCallback {
    private final Map<EnsembleUnderTest.Server, EnsembleUnderTest> running =
            new EnumMap<>(EnsembleUnderTest.Server.class);
    private Path dir;

    /**
     * The members' directories go under compat-tests/target/ensembles/&lt;test class&gt;; their data is removed after
     * the class, their logs (one per start of a member) are kept for a failure's post-mortem.
     */
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Subprocess.REPO.resolve("compat-tests/target/ensembles")
                .resolve(context.getRequiredTestClass().getSimpleName());
        deleteTree(dir, p -> true);
        Files.createDirectories(dir);
        for (EnsembleUnderTest.Server server : EnsembleUnderTest.Server.values()) {
            running.put(server, EnsembleUnderTest.launch(server, dir.resolve(server.toString())));
        }
    }

    /** {@code server}'s ensemble with all three members serving; see {@link EnsembleUnderTest#awaitReady}. */
    public EnsembleUnderTest ready(EnsembleUnderTest.Server server) throws IOException, InterruptedException {
        EnsembleUnderTest ensemble = running.get(server);
        ensemble.awaitReady();
        return ensemble;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        running.values().forEach(EnsembleUnderTest::close);
        running.clear();
        if (dir != null) {
            deleteTree(dir, p -> !p.getFileName().toString().endsWith(".log"));
        }
    }

    /** Deletes the files under {@code root} that {@code which} picks, deepest first; what stays is harmless. */
    static void deleteTree(Path root, Predicate<Path> which) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).filter(which).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // what is left in target/ is harmless
        }
    }
}
