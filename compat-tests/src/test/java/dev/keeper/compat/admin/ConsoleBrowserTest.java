package dev.keeper.compat.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.persist.ServerProcess;
import dev.keeper.compat.support.Chromium;
import dev.keeper.compat.support.JavaClient;
import dev.keeper.compat.support.LoopbackPorts;
import dev.keeper.compat.support.Server;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console on the AdminServer's port, in a real browser (Debian's headless Chromium through Selenium), while
 * stock ZooKeeper Java clients work on the same server: the tree shows what a client created (data in each
 * format, Stat), the watches tab a client's data watch, the events tab the event a client's setData fires (and the
 * watching client gets it too), and a save from the page changes the node only with a digest credential holding
 * ADMIN on it, as a client then reads.
 *
 * <p>Every wait is bounded ({@link #WAIT}); the watches tab refreshes every 2 s. The server, the clients and the
 * browser all stay on 127.0.0.1 and are stopped after the test. On failure the temporary directory is kept, with a
 * screenshot, the page's DOM, the page's console log, chromedriver's log and the server's log.
 */
class ConsoleBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String USER = "console-admin";
    private static final String PASSWORD = "console-secret";
    private static final byte[] CREATED = bytes("{\"a\":1}");
    private static final byte[] SET_BY_CLIENT = bytes("{\"a\":2}");
    private static final byte[] SAVED_FROM_PAGE = bytes("{\"a\":3}");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    private ServerProcess server;
    private String console;
    private final List<ZooKeeper> clients = new ArrayList<>();
    private ChromeDriver browser;

    @BeforeEach
    void startServerAndBrowser() throws Exception {
        int adminPort = LoopbackPorts.unused();
        server = ServerProcess.start(dir, Files.createDirectories(dir.resolve("data")),
                Map.of("admin.enableServer", "true", "admin.serverAddress", "127.0.0.1",
                        "admin.serverPort", Integer.toString(adminPort)),
                "server", Server.OURS.mainClass(), List.of());
        server.awaitServing();
        console = "http://127.0.0.1:" + adminPort + "/console/";
        awaitConsoleServed();
        browser = Chromium.start(dir.resolve("profile"), dir.resolve("chromedriver.log"));
    }

    /** The AdminServer may start listening a moment after the client port: until it answers, the page is not there. */
    private void awaitConsoleServed() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(console))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), "GET " + console + ":\n" + r.body());
                return;
            } catch (IOException refused) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nothing answers on " + console + ":\n" + server.log(), refused);
                }
                Thread.sleep(100);
            }
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        for (ZooKeeper zk : clients) {
            zk.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private ZooKeeper client() throws Exception {
        ZooKeeper zk = JavaClient.connect(server.connectString());
        clients.add(zk);
        return zk;
    }

    @Test
    void console_showsClientsWork_andSavesOnlyWithAnAdminDigest() throws Throwable {
        ZooKeeper owner = client();
        owner.addAuthInfo("digest", bytes(USER + ":" + PASSWORD));
        owner.create("/app", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Id admin = new Id("digest", DigestAuthenticationProvider.generateDigest(USER + ":" + PASSWORD));
        // (a mutable list: the client's ACL check asks it whether it holds null, which List.of refuses to answer)
        owner.create("/app/config", CREATED, new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, admin),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE))), CreateMode.PERSISTENT);
        owner.create("/app/probe", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ZooKeeper watching = client();
        ZooKeeper reader = client();
        try {
            treeShowsTheNode();
            BlockingQueue<WatchedEvent> fired = watchesTabShowsADataWatch(watching);
            eventsTabShowsAClientsSetData(owner, watching, fired);
            saveWithoutAuth_isRefused(reader);
            saveWithTheAdminDigest_changesTheNode(reader);
            List<String> uncaught = browserLog().stream().map(LogEntry::getMessage)
                    .filter(m -> m.contains("Uncaught")).toList();
            assertTrue(uncaught.isEmpty(), "the page's scripts threw: " + uncaught);
        } catch (Throwable t) {
            keepEvidence(t);
            throw t;
        }
    }

    /**
     * /console leads to /console/; the tree, from the root down to /app/config: its data as text and in hex (as
     * the page renders it: two digits a byte, a space between, 16 bytes a line), and its Stat.
     */
    private void treeShowsTheNode() {
        browser.get(console.substring(0, console.length() - 1));
        await("/console redirected to " + console, d -> console.equals(d.getCurrentUrl()));
        await("the tree panel shown", d -> hasClass(d, By.id("panel-tree"), "active"));
        click(By.cssSelector("#children a.child[data-path=\"/app\"]"));
        awaitText(By.id("tree-path"), "/app");
        click(By.cssSelector("#children a.child[data-path=\"/app/config\"]"));
        awaitText(By.id("tree-path"), "/app/config");
        new Select(browser.findElement(By.id("data-format"))).selectByValue("text");
        awaitText(By.id("node-data"), "{\"a\":1}");
        new Select(browser.findElement(By.id("data-format"))).selectByValue("hex");
        awaitText(By.id("node-data"), HexFormat.ofDelimiter(" ").formatHex(CREATED));
        awaitText(By.cssSelector("#node-stat td[data-field=\"version\"]"), "0");
        awaitText(By.cssSelector("#node-stat td[data-field=\"dataLength\"]"), Integer.toString(CREATED.length));
    }

    /** A client's one-shot data watch, on the watches tab within a refresh or two; returns what the watch gets. */
    private BlockingQueue<WatchedEvent> watchesTabShowsADataWatch(ZooKeeper watching) throws Exception {
        BlockingQueue<WatchedEvent> fired = new LinkedBlockingQueue<>();
        assertArrayEquals(CREATED, watching.getData("/app/config", fired::add, null));
        click(By.id("tab-watches"));
        await("the watches panel shown", d -> hasClass(d, By.id("panel-watches"), "active"));
        awaitText(By.cssSelector("#watch-paths tr[data-path=\"/app/config\"] td.count"), "1");
        return fired;
    }

    /**
     * A client's setData fires the watching client's watch, and the event shows on the events tab. The page's feed
     * carries only events fired after it subscribed, so first a probe node's events are fired until one shows.
     */
    private void eventsTabShowsAClientsSetData(ZooKeeper owner, ZooKeeper watching, BlockingQueue<WatchedEvent> fired)
            throws Exception {
        click(By.id("tab-events"));
        await("the events panel shown", d -> hasClass(d, By.id("panel-events"), "active"));
        By probeEvent = By.cssSelector("#events li.event[data-type=\"NodeDataChanged\"][data-path=\"/app/probe\"]");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (browser.findElements(probeEvent).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no event on the events tab for a client's setData of "
                    + "/app/probe within " + WAIT + "; the list: " + text(By.id("events")));
            watching.getData("/app/probe", e -> { }, null);
            owner.setData("/app/probe", bytes("probe"), -1);
            Thread.sleep(500);
        }
        owner.setData("/app/config", SET_BY_CLIENT, 0);
        await("the event of the setData of /app/config on the events tab", d -> !d.findElements(By.cssSelector(
                "#events li.event[data-type=\"NodeDataChanged\"][data-path=\"/app/config\"]")).isEmpty());
        WatchedEvent e = fired.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(e != null, "the watching client's watch did not fire");
        assertEquals(Watcher.Event.EventType.NodeDataChanged, e.getType());
        assertEquals("/app/config", e.getPath());
    }

    private void saveWithoutAuth_isRefused(ZooKeeper reader) throws Exception {
        click(By.id("tab-tree"));
        await("the tree panel shown again", d -> hasClass(d, By.id("panel-tree"), "active"));
        awaitText(By.id("tree-path"), "/app/config");
        // showing the tree again reloads the node: the client's setData is there
        awaitText(By.cssSelector("#node-stat td[data-field=\"version\"]"), "1");
        awaitText(By.id("node-data"), HexFormat.ofDelimiter(" ").formatHex(SET_BY_CLIENT));
        browser.findElement(By.id("auth")).clear();
        save(SAVED_FROM_PAGE);
        awaitText(By.id("mutation-status"), "Auth info is missing for the command");
        Stat stat = new Stat();
        assertArrayEquals(SET_BY_CLIENT, reader.getData("/app/config", false, stat));
        assertEquals(1, stat.getVersion(), "the refused save changed the node");
    }

    private void saveWithTheAdminDigest_changesTheNode(ZooKeeper reader) throws Exception {
        browser.findElement(By.id("auth")).sendKeys("digest " + USER + ":" + PASSWORD);
        save(SAVED_FROM_PAGE);
        awaitText(By.id("mutation-status"), "saved");
        // a save reloads the node
        awaitText(By.cssSelector("#node-stat td[data-field=\"version\"]"), "2");
        awaitText(By.id("node-data"), HexFormat.ofDelimiter(" ").formatHex(SAVED_FROM_PAGE));
        Stat stat = new Stat();
        assertArrayEquals(SAVED_FROM_PAGE, reader.getData("/app/config", false, stat));
        assertEquals(2, stat.getVersion());
    }

    private void save(byte[] data) {
        WebElement edit = browser.findElement(By.id("edit-data"));
        edit.clear();
        edit.sendKeys(new String(data, StandardCharsets.UTF_8));
        click(By.id("save-data"));
    }

    private void click(By by) {
        await(by + " clickable", d -> {
            List<WebElement> found = d.findElements(by);
            if (found.isEmpty() || !found.get(0).isDisplayed() || !found.get(0).isEnabled()) {
                return false;
            }
            found.get(0).click();
            return true;
        });
    }

    private void awaitText(By by, String expected) {
        try {
            new WebDriverWait(browser, WAIT).ignoring(StaleElementReferenceException.class)
                    .until(d -> d.findElements(by).stream().anyMatch(e -> e.getText().trim().equals(expected)));
        } catch (TimeoutException e) {
            throw new AssertionError(by + ": expected \"" + expected + "\" within " + WAIT + ", shows \"" + text(by)
                    + "\"", e);
        }
    }

    private void await(String what, Function<WebDriver, Boolean> condition) {
        try {
            new WebDriverWait(browser, WAIT).ignoring(StaleElementReferenceException.class).until(condition);
        } catch (TimeoutException e) {
            throw new AssertionError("not within " + WAIT + ": " + what, e);
        }
    }

    private static boolean hasClass(WebDriver d, By by, String name) {
        List<WebElement> found = d.findElements(by);
        return !found.isEmpty() && List.of(found.get(0).getDomAttribute("class").split("\\s+")).contains(name);
    }

    /** The element's text now, for failure messages. */
    private String text(By by) {
        try {
            List<WebElement> found = browser.findElements(by);
            return found.isEmpty() ? "(no such element)" : found.get(0).getText();
        } catch (RuntimeException e) {
            return "(" + e.getClass().getSimpleName() + ")";
        }
    }

    private List<LogEntry> browserLog() {
        return browser.manage().logs().get(LogType.BROWSER).getAll();
    }

    /** On failure: a screenshot, the DOM and the page's console log beside the server's and chromedriver's logs. */
    private void keepEvidence(Throwable failure) {
        try {
            Files.write(dir.resolve("failure.png"), browser.getScreenshotAs(OutputType.BYTES));
            Files.writeString(dir.resolve("failure.html"), browser.getPageSource());
            Files.write(dir.resolve("browser-console.log"), browserLog().stream().map(LogEntry::toString).toList());
            failure.addSuppressed(new AssertionError("screenshot, page, the page's console log, chromedriver's"
                    + " and the server's logs kept in " + dir));
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
