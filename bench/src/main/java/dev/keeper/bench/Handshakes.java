package dev.keeper.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.HdrHistogram.Histogram;

/**
 * New connections to a server as fast as they complete, each one a new TCP connection, a full TLS handshake (or
 * none, for the plaintext reference), the four-letter word {@code ruok} and its {@code imok}, then the server's
 * close. {@code lanes} threads each open connections one after another; connections that complete inside the
 * measured span count, each timed from its connect to the server's close after {@code imok}.
 *
 * <p>Every TLS connection gets a fresh {@link SSLContext} (the key and trust managers are loaded once): there is no
 * session to resume, as for the stock client, whose Netty socket builds its SSL context for each connection. The
 * client presents its certificate (the servers run with {@code ssl.clientAuth=need}) and verifies the server's
 * name against its SAN, as the stock client does.
 */
final class Handshakes {
    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int SO_TIMEOUT_MS = 10_000;
    private static final byte[] RUOK = "ruok".getBytes(StandardCharsets.US_ASCII);

    /**
     * One measured span.
     *
     * @param connections completed connections (imok received) inside the measured span
     * @param seconds     the measured span
     * @param p50Micros   median time from connect to the server's close
     * @param p99Micros   99th percentile of it
     * @param errors      connections that failed (any time in the run)
     * @param firstError  the first failure, or null
     * @param negotiated  protocol and cipher suite of the first TLS connection ("TLSv1.3 TLS_AES_..."), or "plaintext"
     */
    record Run(long connections, double seconds, double p50Micros, double p99Micros, long errors, String firstError,
               String negotiated) {
        double perSecond() {
            return seconds > 0 ? connections / seconds : Double.NaN;
        }
    }

    /** The client's key and trust managers, loaded once. */
    static final class Client {
        private final KeyManager[] keys;
        private final TrustManager[] trust;

        Client(TlsCerts.Stores stores) throws IOException, GeneralSecurityException {
            KeyStore ks = load(stores.clientKeyStore(), stores.type(), stores.password());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, stores.password().toCharArray());
            keys = kmf.getKeyManagers();
            KeyStore ts = load(stores.trustStore(), stores.type(), stores.password());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            trust = tmf.getTrustManagers();
        }

        private static KeyStore load(Path file, String type, String password) throws IOException,
                GeneralSecurityException {
            KeyStore ks = KeyStore.getInstance(type);
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, password.toCharArray());
            }
            return ks;
        }

        /** A TLSv1.3 socket connected to 127.0.0.1:port, handshake not yet started. */
        SSLSocket connect(int port, int timeoutMs) throws IOException {
            SSLContext ctx;
            try {
                ctx = SSLContext.getInstance("TLS");
                ctx.init(keys, trust, null);
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
                SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(s, "127.0.0.1", port, true);
                SSLParameters p = tls.getSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3"});
                p.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(p);
                tls.setUseClientMode(true);
                return tls;
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }
    }

    private Handshakes() {
    }

    /**
     * One connection: {@code ruok} over TLS ({@code client} non-null) or plaintext; the answer, or an exception.
     * Returns the negotiated protocol and suite, or "plaintext".
     */
    static String ruok(Client client, int port) throws IOException {
        Socket s;
        String negotiated = "plaintext";
        if (client != null) {
            SSLSocket tls = client.connect(port, SO_TIMEOUT_MS);
            s = tls;
        } else {
            s = new Socket();
        }
        try (Socket socket = s) {
            if (client == null) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), SO_TIMEOUT_MS);
            }
            socket.setSoTimeout(SO_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            if (socket instanceof SSLSocket tls) {
                tls.startHandshake();
                SSLSession session = tls.getSession();
                negotiated = session.getProtocol() + " " + session.getCipherSuite();
            }
            OutputStream out = socket.getOutputStream();
            out.write(RUOK);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = new byte[4];
            int got = 0;
            while (got < 4) {
                int n = in.read(answer, got, 4 - got);
                if (n < 0) {
                    throw new IOException("closed after " + got + " bytes of the answer to ruok");
                }
                got += n;
            }
            if (!"imok".equals(new String(answer, StandardCharsets.US_ASCII))) {
                throw new IOException("ruok answered " + new String(answer, StandardCharsets.US_ASCII));
            }
            // The server closes a four-letter word's connection once it has answered; waiting for that keeps the
            // TIME_WAIT state on the server's side, so the driver's ephemeral ports are not used up.
            try {
                while (in.read() >= 0) {
                    // nothing else is expected
                }
            } catch (IOException e) {
                // a close without close_notify, or a reset: the answer was complete
            }
        }
        return negotiated;
    }

    /** Opens connections on {@code lanes} threads for {@code warmupMs} unmeasured, then {@code measureMs} measured. */
    static Run measure(Client client, int port, int lanes, long warmupMs, long measureMs) throws InterruptedException {
        long start = System.nanoTime();
        long from = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        long to = from + TimeUnit.MILLISECONDS.toNanos(measureMs);
        List<Lane> all = new ArrayList<>();
        AtomicReference<String> negotiated = new AtomicReference<>();
        for (int i = 0; i < lanes; i++) {
            Lane lane = new Lane(client, port, from, to, negotiated);
            all.add(lane);
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < lanes; i++) {
            Thread t = new Thread(all.get(i), "handshake-lane-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(warmupMs + measureMs + 60_000);
            if (t.isAlive()) {
                t.interrupt();
                t.join(10_000);
            }
        }
        Histogram h = new Histogram(MAX_NANOS, 3);
        long count = 0;
        long errors = 0;
        String firstError = null;
        for (Lane l : all) {
            h.add(l.latency);
            count += l.connections;
            errors += l.errors;
            if (firstError == null) {
                firstError = l.firstError;
            }
        }
        return new Run(count, (to - from) / 1e9, count > 0 ? h.getValueAtPercentile(50) / 1000.0 : Double.NaN,
                count > 0 ? h.getValueAtPercentile(99) / 1000.0 : Double.NaN, errors, firstError,
                negotiated.get() == null ? (client == null ? "plaintext" : "none") : negotiated.get());
    }

    /** One thread's connections, one after another. */
    private static final class Lane implements Runnable {
        private final Client client;
        private final int port;
        private final long from;
        private final long to;
        private final AtomicReference<String> negotiated;
        private final Histogram latency = new Histogram(MAX_NANOS, 3);
        private long connections;
        private long errors;
        private String firstError;

        Lane(Client client, int port, long from, long to, AtomicReference<String> negotiated) {
            this.client = client;
            this.port = port;
            this.from = from;
            this.to = to;
            this.negotiated = negotiated;
        }

        @Override
        public void run() {
            while (!Thread.currentThread().isInterrupted()) {
                long t0 = System.nanoTime();
                if (t0 >= to) {
                    return;
                }
                try {
                    String n = ruok(client, port);
                    negotiated.compareAndSet(null, n);
                    long t1 = System.nanoTime();
                    if (t1 >= from && t1 < to) {
                        latency.recordValue(Math.min(t1 - t0, MAX_NANOS));
                        connections++;
                    }
                } catch (IOException | RuntimeException e) {
                    errors++;
                    if (firstError == null) {
                        firstError = e.toString();
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }
}
