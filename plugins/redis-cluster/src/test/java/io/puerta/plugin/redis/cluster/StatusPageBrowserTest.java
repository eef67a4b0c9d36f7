package io.puerta.plugin.redis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.plugin.redis.cluster.testing.RedisCluster;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import redis.clients.jedis.Jedis;

/**
 * The admin listener's status page in a real browser (Debian's headless Chromium, driven by Selenium), against a
 * Puerta in front of a real 3-master Redis Cluster: it shows the backends and the slot map, its throughput chart
 * moves under load, and a killed master turns unhealthy on the page within the health interval while /ready says
 * the proxy is not ready, and ready again once the master is back. A screenshot is saved under target/.
 */
class StatusPageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String[] NODE_ARGS = {
        "--cluster-enabled", "yes", "--cluster-node-timeout", "1500", "--cluster-require-full-coverage", "no"
    };

    @Test
    void thePageShowsBackendsSlotsLoadAndAKilledMaster() throws Exception {
        assertTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Debian's chromium and chromium-driver are needed (./test.sh installs them)");
        try (RedisCluster cluster = RedisCluster.start(3, 0);
                TestProxy proxy = TestProxy.start(
                        "router = redis-cluster\n"
                                + TestProxy.backends(cluster.masters().get(0))
                                + "\nadmin.port = 0\n"
                                + "redis-cluster.refresh-interval = 500ms\n"
                                + "health-check { checker = redis-cluster-node, interval = 200ms, timeout = 500ms,"
                                + " fall = 1, rise = 1 }",
                        null)) {
            String page = "http://127.0.0.1:" + proxy.adminPort() + "/";
            ChromeDriver browser = browser();
            AtomicBoolean loading = new AtomicBoolean(true);
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> load(proxy, loading));
            try {
                browser.get(page);
                Await.until("the page lists the three masters, up", () -> {
                    List<WebElement> rows = browser.findElements(By.cssSelector("#backends tbody tr"));
                    return rows.size() == 3
                            && rows.stream().allMatch(r -> r.findElement(By.cssSelector(".health"))
                                    .getText()
                                    .equals("UP"));
                });
                // read in one script: the page redraws the map every second, and an element found before a
                // redraw is stale after it
                @SuppressWarnings("unchecked")
                List<String> drawn = (List<String>) browser.executeScript("return Array.from(document"
                        + ".querySelectorAll('#slotmap rect')).map(r => r.getAttribute('data-owner'))");
                Set<String> owners = new HashSet<>(drawn);
                assertEquals(3, owners.size(), "the slot map shows three owners: " + owners);
                Await.until("the throughput chart moves under load", () -> {
                    String rate = browser.findElement(By.id("rate")).getText();
                    return !rate.isEmpty()
                            && !rate.equals("0/s")
                            && Integer.parseInt(browser.findElement(By.id("throughput"))
                                            .getAttribute("data-points"))
                                    >= 3;
                });
                assertEquals("ready", browser.findElement(By.id("ready")).getText());

                RedisServerProcess victim = cluster.masters().get(1);
                long killed = System.nanoTime();
                victim.stop();
                String row = "#backends tbody tr[data-address='" + victim.address() + "'] .health";
                Await.until(
                        "the killed master turns unhealthy on the page",
                        () -> browser.findElements(By.cssSelector(row)).stream()
                                .anyMatch(e -> e.getText().equals("DOWN")));
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killed);
                // health interval 200 ms, fall 1, the page reads every second: well within a few seconds
                assertTrue(seconds <= 5, "shown down after " + seconds + " s");
                Await.until(
                        "the page says not ready",
                        () -> browser.findElement(By.id("ready")).getText().equals("not ready"));
                assertTrue(ready(proxy).contains("is down"), "/ready names the slots whose master is down");
                screenshot(browser, Path.of("target", "status-page.png"));

                victim.restart(NODE_ARGS);
                Await.until("ready again once the master is back", () -> ready(proxy)
                        .contains("\"ready\":true"));
            } finally {
                loading.set(false);
                load.get(30, TimeUnit.SECONDS);
                browser.quit();
            }
        }
    }

    private static ChromeDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /** Bounded load: SETs and GETs through the proxy until told to stop, at most 60 s; errors are expected. */
    private static void load(TestProxy proxy, AtomicBoolean running) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Jedis client = new Jedis("127.0.0.1", proxy.port(), 2_000)) {
            for (int i = 0; running.get() && System.nanoTime() < deadline && i < 1_000_000; i++) {
                try {
                    client.set("page:" + (i % 1000), "v");
                    client.get("page:" + (i % 1000));
                } catch (RuntimeException keyOnTheKilledMaster) {
                    // a CLUSTERDOWN or backend error for keys of the killed master: the page shows them
                }
            }
        }
    }

    private static String ready(TestProxy proxy) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + "/ready"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (Exception e) {
            return "";
        }
    }

    private static void screenshot(ChromeDriver browser, Path file) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.createDirectories(file.getParent());
        Files.write(file, png);
    }
}
