package dev.keeper.server.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * TLS on the client port, read from the settings ZooKeeper 3.9.5 reads for it ({@code ClientX509Util}, prefix
 * {@code zookeeper.ssl.}; a zoo.cfg key {@code ssl.X} becomes that property, as every key ZooKeeper does not
 * know does). Defaults are ZooKeeper's: the client must present a certificate ({@code ssl.clientAuth=need}), and
 * without {@code ssl.enabledProtocols} only {@code ssl.protocol} is enabled, TLSv1.3 where the JDK has it.
 *
 * @param securePort          {@code secureClientPort}: a port that speaks TLS only; -1 for none
 * @param secureAddress       {@code secureClientPortAddress}, or null for every address
 * @param portUnification     {@code client.portUnification}: the plain client port takes TLS clients too
 * @param certReload          {@code client.certReload}: key and trust stores are re-read when their files change
 * @param keyStore            the server's key and certificate (required)
 * @param trustStore          the certificates client certificates must chain to, or null for the JDK's own
 * @param clientAuth          whether a client certificate is asked for
 * @param protocols           the protocols enabled
 * @param ciphers             the cipher suites enabled ({@code ssl.ciphersuites}), or null for the defaults: ZooKeeper's
 *                            list with the JDK engine ({@link #jdkDefaultCiphers}), OpenSSL's own otherwise
 * @param clientHostnameVerification a client certificate must name the client's host ({@code ssl.hostnameVerification}
 *                            and {@code ssl.clientHostnameVerification}, off by default on the client port)
 * @param provider            {@code ssl.sslProvider}: JDK or OPENSSL (netty-tcnative), or null when not set: then
 *                            OpenSSL when netty-tcnative is on the class path, the JDK's engine otherwise
 * @param authProvider        {@code ssl.authProvider}: the scheme a client certificate authenticates under
 * @param revocation          {@code ssl.crl} or {@code ssl.ocsp}: certificates are checked for revocation
 */
public record TlsConfig(
        int securePort,
        String secureAddress,
        boolean portUnification,
        boolean certReload,
        Store keyStore,
        Store trustStore,
        ClientAuth clientAuth,
        List<String> protocols,
        List<String> ciphers,
        boolean clientHostnameVerification,
        String provider,
        String authProvider,
        boolean revocation) {

    public static final String PREFIX = "zookeeper.ssl.";

    /** {@code ssl.clientAuth}, as {@code X509Util.ClientAuth} reads it (empty is need, anything else must name one). */
    public enum ClientAuth { NONE, WANT, NEED }

    /** A key or trust store file; {@code type} is JKS, PKCS12 or PEM. */
    public record Store(Path location, String password, String type) {
    }

    public TlsConfig {
        protocols = List.copyOf(protocols);
        ciphers = ciphers == null ? null : List.copyOf(ciphers);
    }

    /** True when some port takes TLS. */
    public boolean listens() {
        return securePort >= 0 || portUnification;
    }

    /**
     * Reads the TLS settings; {@code setting} answers a {@code zookeeper.*} property name (zoo.cfg's value, else the
     * system property's). Null when no port takes TLS. {@code base} resolves relative store paths.
     */
    static TlsConfig read(Function<String, String> setting, Integer securePort, String secureAddress, Path base) {
        boolean unified = Boolean.parseBoolean(setting.apply("zookeeper.client.portUnification"));
        if (securePort == null && !unified) {
            if (secureAddress != null) {
                // QuorumPeerConfig.parseProperties refuses this too
                throw new IllegalArgumentException("secureClientPortAddress is set but secureClientPort is not set");
            }
            return null;
        }
        String keyLocation = setting.apply(PREFIX + "keyStore.location");
        if (keyLocation == null || keyLocation.isEmpty()) {
            // ClientX509Util.createNettySslContextForServer: ZooKeeper fails every TLS connection for it; we refuse
            // to start, which says the same thing once, where it can be seen.
            throw new IllegalArgumentException("Keystore is required for SSL server: " + PREFIX + "keyStore.location");
        }
        Store key = store(setting, "keyStore", keyLocation, base);
        String trustLocation = setting.apply(PREFIX + "trustStore.location");
        Store trust = trustLocation == null || trustLocation.isEmpty() ? null
                : store(setting, "trustStore", trustLocation, base);
        String enabled = setting.apply(PREFIX + "enabledProtocols");
        List<String> protocols = enabled != null ? split(enabled)
                : List.of(orDefault(setting.apply(PREFIX + "protocol"), TlsDefaults.protocol()));
        String cipherList = setting.apply(PREFIX + "ciphersuites");
        String named = setting.apply(PREFIX + "sslProvider");
        String provider = named == null || named.isEmpty() ? null : named.toUpperCase(Locale.ROOT);
        if (provider != null && !provider.equals("JDK") && !provider.equals("OPENSSL")) {
            throw new IllegalArgumentException(PREFIX + "sslProvider must be JDK or OPENSSL, got '" + named + "'");
        }
        List<String> ciphers = cipherList != null ? split(cipherList) : null;
        boolean hostnames = !"false".equalsIgnoreCase(setting.apply(PREFIX + "hostnameVerification"));
        boolean clientHostnames = hostnames
                && Boolean.parseBoolean(setting.apply(PREFIX + "clientHostnameVerification"));
        return new TlsConfig(securePort == null ? -1 : securePort, secureAddress, unified,
                Boolean.parseBoolean(setting.apply("zookeeper.client.certReload")), key, trust,
                clientAuth(setting.apply(PREFIX + "clientAuth")), protocols, ciphers, clientHostnames, provider,
                orDefault(setting.apply(PREFIX + "authProvider"), "x509"),
                Boolean.parseBoolean(setting.apply(PREFIX + "crl"))
                        || Boolean.parseBoolean(setting.apply(PREFIX + "ocsp")));
    }

    /** ZooKeeper's cipher suites for the JDK engine, less those this JDK lacks. */
    public static List<String> jdkDefaultCiphers() {
        return TlsDefaults.ciphers();
    }

    private static Store store(Function<String, String> setting, String which, String location, Path base) {
        String password = orDefault(setting.apply(PREFIX + which + ".password"), "");
        String passwordPath = setting.apply(PREFIX + which + ".passwordPath");
        if (passwordPath != null && !passwordPath.isEmpty()) {
            password = Secrets.read(base.resolve(passwordPath));
        }
        return new Store(base.resolve(location), password, storeType(setting.apply(PREFIX + which + ".type"),
                location));
    }

    /**
     * {@code KeyStoreFileType.fromPropertyValueOrFileName}: the type named, else the one the file's extension
     * says. BCFKS needs BouncyCastle's provider, which this server does not carry.
     */
    static String storeType(String named, String location) {
        if (named != null && !named.isEmpty()) {
            String t = named.toUpperCase(Locale.ROOT);
            if (t.equals("JKS") || t.equals("PKCS12") || t.equals("PEM")) {
                return t;
            }
            throw new IllegalArgumentException("unsupported key store type " + named + " (JKS, PKCS12 or PEM)");
        }
        String name = location.toLowerCase(Locale.ROOT);
        if (name.endsWith(".jks")) {
            return "JKS";
        }
        if (name.endsWith(".pem")) {
            return "PEM";
        }
        if (name.endsWith(".p12") || name.endsWith(".pfx")) {
            return "PKCS12";
        }
        throw new IllegalArgumentException("Unable to auto-detect store file type from file name: " + location);
    }

    private static ClientAuth clientAuth(String v) {
        if (v == null || v.isEmpty()) {
            return ClientAuth.NEED;
        }
        try {
            return ClientAuth.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + "clientAuth must be need, want or none, got '" + v + "'");
        }
    }

    private static List<String> split(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String orDefault(String v, String dflt) {
        return v == null || v.isEmpty() ? dflt : v;
    }
}
