package dev.keeper.compat.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium, driven by Debian's chromedriver through Selenium, for the browser tests of the web
 * console. The driver's path is given to Selenium outright, so Selenium Manager (which would look for, and
 * download, a driver and a browser) never runs: Selenium consults it only when neither the service nor
 * {@code webdriver.chrome.driver} names a driver. A missing browser fails the test with the command that installs
 * it, as every other stock client here does; it never skips.
 */
public final class Chromium {
    public static final Path BROWSER = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /**
     * Selenium warns at every start that it has no DevTools (CDP) classes for this Chromium's version: on purpose,
     * none are on the class path (the tests use WebDriver's commands only). Held here so the level sticks.
     */
    private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_FINDER.setLevel(Level.SEVERE);
    }

    private Chromium() {
    }

    /**
     * A fresh headless browser with its profile in {@code profile} (empty, the test's own) and chromedriver's log
     * in {@code driverLog}. The caller quits it.
     */
    public static ChromeDriver start(Path profile, Path driverLog) throws IOException {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            fail("the browser tests need Debian's chromium and chromium-driver (" + BROWSER + ", " + DRIVER
                    + "): apt-get install -y chromium chromium-driver (bin/test.sh installs them)");
        }
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(driverLog.toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        // The background-networking flags keep Chromium from dialling Google (component updates, sync, field
        // trials, QUIC probes): this machine's network refuses them, and a test must not depend on the outside.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--user-data-dir=" + Files.createDirectories(profile));
        // What the page's scripts log, errors included, for the test to read (browserLog) and show on failure
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        options.setPageLoadTimeout(Duration.ofSeconds(20));
        options.setScriptTimeout(Duration.ofSeconds(20));
        return new ChromeDriver(service, options);
    }
}
