package dev.keeper.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.ServerClock;
import dev.keeper.server.config.SecurityConfig;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.config.TlsConfig;
import dev.keeper.server.metrics.ServerMetrics;
import dev.keeper.server.persist.TxnLog;
import dev.keeper.server.processor.RequestProcessor;
import dev.keeper.server.testing.Keytool;
import dev.keeper.server.tree.DataTree;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input on the TLS port: plaintext where TLS is expected, handshakes without the client certificate
 * {@code ssl.clientAuth=need} asks for, a connection that never starts its handshake. Each costs only its own
 * connection; ten thousand of them in a row leave no connections, threads or heap behind, and a good client
 * still gets through. The certificates are made by the JDK's keytool for this run.
 */
class TlsBadInputTest {
    private static final String PASSWORD = "secret";
    private static final int FAILURES = Integer.getInteger("tls.failures", 10_000);

    @TempDir
    Path tmp;
    private RequestProcessor processor;
    private NettyServer net;
    private InetSocketAddress secure;
    private Path keys;
    private Path trust;

    @BeforeEach
    void start() throws Exception {
        keys = tmp.resolve("server.p12");
        trust = tmp.resolve("trust.p12");
        Path cert = tmp.resolve("server.crt");
        Keytool.run("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore",
                keys.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        Keytool.run("-exportcert", "-alias", "server", "-keystore", keys.toString(), "-storepass", PASSWORD, "-file",
                cert.toString());
        Keytool.run("-importcert", "-noprompt", "-alias", "ca", "-file", cert.toString(), "-keystore", trust.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        TlsConfig tls = new TlsConfig(0, "127.0.0.1", false, false,
                new TlsConfig.Store(keys, PASSWORD, "PKCS12"), new TlsConfig.Store(trust, PASSWORD, "PKCS12"),
                TlsConfig.ClientAuth.NEED, List.of("TLSv1.3"), null, false, null, "x509", false);
        ServerConfig config = ServerConfig.builder().maxClientCnxns(0)
                .security(new SecurityConfig(tls, null, Set.of("x509"), null, List.of(), null)).build();
        processor = new RequestProcessor(config, ServerClock.SYSTEM, new DataTree(false), TxnLog.NONE, null,
                new ServerMetrics(), () -> { });
        processor.start();
        net = new NettyServer(config, processor, new ServerMetrics());
        net.start(null);
        secure = net.secureAddress();
    }

    @AfterEach
    void stop() {
        if (net != null) {
            net.close();
        }
        if (processor != null) {
            processor.stop();
        }
    }

    @Test
    void tenThousandFailedHandshakes_leaveNothingBehind_andAGoodClientStillConnects() throws Exception {
        SSLContext noCertificate = context(false);
        // warm up, so that what is measured after is not the first use of the classes involved
        plaintext();
        assertThrows(IOException.class, () -> handshake(noCertificate));
        awaitEquals(0, () -> net.connections().size(), "warm-up connections closed");
        long heapBefore = usedHeapAfterGc();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        int refused = 0;
        long[] nanos = new long[2];
        for (int i = 0; i < FAILURES && System.nanoTime() < deadline; i++) {
            long t0 = System.nanoTime();
            // Mostly plaintext, which the TLS port refuses at the first record; every 20th a full TLS handshake
            // that is refused for want of a client certificate (about fifty times the CPU of the other kind).
            boolean full = i % 20 == 19;
            if (!full) {
                plaintext();
                refused++;
            } else {
                try {
                    handshake(noCertificate);
                } catch (IOException expected) {
                    refused++;
                }
            }
            nanos[full ? 1 : 0] += System.nanoTime() - t0;
        }
        System.out.printf("plaintext %d ms, no certificate %d ms%n", nanos[0] / 1_000_000, nanos[1] / 1_000_000);
        System.out.printf("%d failed handshakes in %d ms%n", refused,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deadline + TimeUnit.SECONDS.toNanos(300)));
        assertEquals(FAILURES, refused, "every bad connection was refused, within the time allowed");
        awaitEquals(0, () -> net.connections().size(), "no connection left open");
        awaitEquals(0, net::addressesTracked, "no per-address entry left");
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        assertTrue(threadsAfter <= threadsBefore + 2, "threads " + threadsBefore + " -> " + threadsAfter);
        long heapAfter = usedHeapAfterGc();
        assertTrue(heapAfter - heapBefore < 32L << 20, "heap grew from " + heapBefore + " to " + heapAfter);

        try (SSLSocket good = handshake(context(true))) {
            good.setSoTimeout(300);
            // the handshake is done and the server keeps the connection: a read times out, it does not end
            assertThrows(SocketTimeoutException.class, () -> good.getInputStream().read());
        }
    }

    @Test
    void aConnectionThatNeverStartsItsHandshake_isClosedAfterTheHandshakeTimeout() throws Exception {
        try (Socket idle = new Socket()) {
            idle.connect(secure, 5000);
            idle.setSoTimeout(20_000);
            long start = System.nanoTime();
            assertEquals(-1, idle.getInputStream().read(), "closed by the server");
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waited >= 9_000 && waited < 15_000, "closed after " + waited + " ms");
        }
    }

    /** Plaintext (a four-letter word) on the TLS port: the server closes the connection, answering nothing. */
    private void plaintext() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(secure, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("ruok\0\0\0\0".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            int b = in.read();
            // A TLS alert may come first; either way nothing but the end of the stream follows it.
            while (b != -1) {
                b = in.read();
            }
        } catch (java.net.SocketException reset) {
            // closed with unread input: a reset is a close too
        }
    }

    private SSLSocket handshake(SSLContext context) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            s.connect(secure, 5000);
            s.setSoTimeout(10_000);
            s.startHandshake();
            // TLSv1.3: a refused client certificate shows only when the client next reads
            s.setSoTimeout(200);
            try {
                if (s.getInputStream().read() == -1) {
                    throw new SSLException("closed by the server");
                }
            } catch (SocketTimeoutException stillOpen) {
                return s;
            }
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private SSLContext context(boolean withCertificate) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(trust)) {
            ts.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        KeyManagerFactory kmf = null;
        if (withCertificate) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = java.nio.file.Files.newInputStream(keys)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, PASSWORD.toCharArray());
        }
        SSLContext c = SSLContext.getInstance("TLSv1.3");
        c.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return c;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }


    private static void awaitEquals(int expected, IntSupplier actual, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (actual.getAsInt() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, actual.getAsInt(), what);
    }
}
