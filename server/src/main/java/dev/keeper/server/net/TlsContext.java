package dev.keeper.server.net;

import dev.keeper.server.config.TlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.CertPathTrustManagerParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS on the client port: Netty's {@link SslContext} built from the configured key and trust
 * stores, as {@code ClientX509Util.createNettySslContextForServer} builds ZooKeeper's, and the trust manager the
 * x509 scheme checks a client's chain with.
 *
 * <p>ZooKeeper 3.9.5 reads the stores again for every TLS connection ({@code NettyServerCnxnFactory.initSSL}), so
 * a rotated certificate is served to the next client without a restart. Here the stores are read once and read
 * again when a connection arrives after either file's modification time or size changed: the same effect for a
 * stat of two files instead of a key store load per connection. A store that fails to load then (caught mid-write,
 * say) leaves the previous one serving, with one log line.
 */
final class TlsContext {
    private static final Logger LOG = LoggerFactory.getLogger(TlsContext.class);

    private final TlsConfig config;
    /** JDK or OPENSSL: the one named, else OpenSSL where netty-tcnative is on the class path. */
    private final SslProvider provider;
    private volatile Loaded current;
    /** The stamps of a reload that failed, so the failure is logged once, not per connection. */
    private volatile List<Stamp> failed;

    /** One load of the stores. */
    private record Loaded(SslContext ssl, X509TrustManager trust, List<Stamp> stamps) {
    }

    /** What a store file looked like when it was read. */
    private record Stamp(Path file, long modified, long size) {
        static Stamp of(Path file) {
            try {
                return new Stamp(file, Files.getLastModifiedTime(file).toMillis(), Files.size(file));
            } catch (IOException e) {
                return new Stamp(file, -1, -1);
            }
        }
    }

    /** Loads the stores; a store that cannot be loaded stops the server from starting. */
    TlsContext(TlsConfig config) throws IOException, GeneralSecurityException {
        this(config, "the client port");
    }

    /** ... for {@code what}, which the log line names. */
    TlsContext(TlsConfig config, String what) throws IOException, GeneralSecurityException {
        this.config = config;
        this.provider = config.provider() != null ? SslProvider.valueOf(config.provider())
                : OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        this.current = load();
        LOG.info("TLS on {}: {} engine, protocols {}, client certificates {}, key store {} ({}),"
                + " trust store {}", what, provider, config.protocols(), config.clientAuth().name().toLowerCase(),
                config.keyStore().location(),
                config.keyStore().type(), config.trustStore() == null ? "the JDK's" : config.trustStore().location());
    }

    /** A handler for a new connection, with the stores as they are now. */
    SslHandler newHandler(ByteBufAllocator alloc) {
        Loaded l = fresh();
        SslHandler h = l.ssl.newHandler(alloc);
        if (config.clientHostnameVerification()) {
            SSLEngine engine = h.engine();
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
        }
        return h;
    }

    /** What the x509 scheme checks a client's chain against: the trust store, or null without one. */
    X509TrustManager trustManager() {
        return current.trust;
    }

    private Loaded fresh() {
        Loaded l = current;
        List<Stamp> now = stamps();
        if (now.equals(l.stamps) || now.equals(failed)) {
            return l;
        }
        synchronized (this) {
            l = current;
            if (now.equals(l.stamps)) {
                return l;
            }
            try {
                l = load();
                current = l;
                LOG.info("Key or trust store changed on disk: TLS connections from now on use {}",
                        config.keyStore().location());
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                failed = now;
                LOG.warn("Key or trust store changed on disk but cannot be loaded ({}); still serving the previous"
                        + " one", e.getMessage());
            }
            return l;
        }
    }

    private List<Stamp> stamps() {
        List<Stamp> s = new ArrayList<>(2);
        s.add(Stamp.of(config.keyStore().location()));
        if (config.trustStore() != null) {
            s.add(Stamp.of(config.trustStore().location()));
        }
        return s;
    }

    private Loaded load() throws IOException, GeneralSecurityException {
        List<Stamp> stamps = stamps();
        KeyStore keys = KeyStores.load(config.keyStore(), false);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, config.keyStore().password().toCharArray());
        X509TrustManager trust = null;
        if (config.trustStore() != null) {
            KeyStore ts = KeyStores.load(config.trustStore(), true);
            PKIXBuilderParameters params = new PKIXBuilderParameters(ts, new X509CertSelector());
            params.setRevocationEnabled(config.revocation());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(new CertPathTrustManagerParameters(params));
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    trust = x;
                }
            }
        }
        SslContextBuilder b = SslContextBuilder.forServer(kmf)
                .protocols(config.protocols())
                .clientAuth(switch (config.clientAuth()) {
                    case NONE -> ClientAuth.NONE;
                    case WANT -> ClientAuth.OPTIONAL;
                    case NEED -> ClientAuth.REQUIRE;
                })
                .sslProvider(provider);
        if (trust != null) {
            b.trustManager(trust);
        }
        if (config.ciphers() != null) {
            b.ciphers(config.ciphers());
        } else if (provider == SslProvider.JDK) {
            b.ciphers(TlsConfig.jdkDefaultCiphers()); // ClientX509Util.getCipherSuites: OpenSSL keeps its own
        }
        return new Loaded(b.build(), trust, Objects.requireNonNull(stamps));
    }
}
