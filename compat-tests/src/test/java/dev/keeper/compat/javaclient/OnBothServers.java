package dev.keeper.compat.javaclient;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that starts its server through {@link ServerUnderTest}: {@code mvn verify} runs it twice,
 * against ours (surefire's default execution) and against the real ZooKeeper 3.9.5 (the execution
 * {@code against-zookeeper} in compat-tests/pom.xml selects this tag), so its hand-written expectations are
 * re-checked against ZooKeeper on every run. {@link ServerUnderTest} refuses a class without it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(OnBothServers.TAG)
public @interface OnBothServers {
    String TAG = "both-servers";
}
