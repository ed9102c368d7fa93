package dev.keeper.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How clients prove who they are, beyond ZooKeeper's always-on "digest" and "ip" schemes: TLS on the client port,
 * SASL, the authentication providers registered with {@code authProvider.N} ({@code zookeeper.authProvider.N}),
 * read as ZooKeeper's {@code ProviderRegistry} reads them, and the schemes a session must have authenticated with
 * before it may do anything ({@code AuthenticationHelper}).
 *
 * @param tls            TLS on the client port, or null when no port takes it
 * @param sasl           SASL, or null without a JAAS {@code Server} section
 * @param schemes        the extra ACL schemes a provider is registered for ("x509", "sasl")
 * @param x509SuperUser  {@code zookeeper.X509AuthenticationProvider.superUser}: the certificate subject that is super
 * @param enforceSchemes a session needs an id of one of these schemes for any request but auth and sasl; empty
 *                       when not enforced ({@code enforce.auth.enabled}, {@code sessionRequireClientSASLAuth})
 * @param x509Id         which part of a client certificate is its x509 id ({@code ssl.x509.clientCertIdType})
 */
public record SecurityConfig(TlsConfig tls, SaslConfig sasl, Set<String> schemes, String x509SuperUser,
        List<String> enforceSchemes, X509IdRule x509Id) {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityConfig.class);
    public static final SecurityConfig NONE = new SecurityConfig(null, null, Set.of(), null, List.of(),
            X509IdRule.SUBJECT_DN);
    /** The provider classes whose schemes this server implements, by class name. */
    private static final Map<String, String> PROVIDERS = Map.of(
            "org.apache.zookeeper.server.auth.X509AuthenticationProvider", "x509",
            "org.apache.zookeeper.server.auth.SASLAuthenticationProvider", "sasl",
            "org.apache.zookeeper.server.auth.DigestAuthenticationProvider", "digest",
            "org.apache.zookeeper.server.auth.IPAuthenticationProvider", "ip");

    public SecurityConfig {
        schemes = Set.copyOf(schemes);
        enforceSchemes = List.copyOf(enforceSchemes);
        if (x509Id == null) {
            x509Id = X509IdRule.SUBJECT_DN;
        }
    }

    public boolean x509() {
        return schemes.contains("x509");
    }

    /** True when a session must authenticate with SASL: a failed SASL exchange then ends it as unauthenticated. */
    public boolean saslRequired() {
        return enforceSchemes.contains("sasl");
    }

    /**
     * Reads the settings: {@code settings} holds the {@code zookeeper.*} properties (zoo.cfg's keys, as ZooKeeper
     * turns them into properties, over the system properties); {@code jaasFile} is
     * {@code java.security.auth.login.config}. {@code base} resolves relative store paths.
     */
    static SecurityConfig read(Map<String, String> settings, String jaasFile, Integer securePort,
            String secureAddress, Path base) {
        Set<String> schemes = new TreeSet<>();
        settings.forEach((name, cls) -> {
            if (!name.startsWith("zookeeper.authProvider.")) {
                return;
            }
            String scheme = PROVIDERS.get(cls.trim());
            if (scheme == null) {
                // ProviderRegistry logs "Problems loading" and goes on without it
                LOG.warn("Problems loading {}: {} is not an authentication provider this server has", name, cls);
            } else if (!scheme.equals("digest") && !scheme.equals("ip")) {
                schemes.add(scheme);
            }
        });
        TlsConfig tls = TlsConfig.read(settings::get, securePort, secureAddress, base);
        if (tls != null) {
            // QuorumPeerConfig.configureSSLAuth: a TLS port registers the x509 provider itself, and refuses an
            // ssl.authProvider scheme that has no provider.
            if (!tls.authProvider().equals("x509") && !schemes.contains(tls.authProvider())) {
                throw new IllegalArgumentException("No auth provider configured for the SSL authentication scheme '"
                        + tls.authProvider() + "'.");
            }
            schemes.add("x509");
        }
        return new SecurityConfig(tls, SaslConfig.read(settings, jaasFile), schemes,
                settings.get("zookeeper.X509AuthenticationProvider.superUser"), enforced(settings, schemes),
                X509IdRule.read(settings));
    }

    /** {@code AuthenticationHelper.initConfigurations}, with its checks and messages. */
    private static List<String> enforced(Map<String, String> settings, Set<String> schemes) {
        List<String> enforce = new ArrayList<>();
        String list = settings.get("zookeeper.enforce.auth.schemes");
        if (Boolean.parseBoolean(settings.get("zookeeper.sessionRequireClientSASLAuth"))) {
            enforce.add("sasl");
        } else if (!Boolean.parseBoolean(settings.get("zookeeper.enforce.auth.enabled"))) {
            return List.of();
        } else if (list != null) {
            for (String s : list.split(",")) {
                enforce.add(s.trim());
            }
        }
        if (enforce.isEmpty()) {
            throw new IllegalArgumentException("zookeeper.enforce.auth.enabled is true zookeeper.enforce.auth.schemes"
                    + " must be  configured.");
        }
        for (String s : enforce) {
            if (!s.equals("digest") && !s.equals("ip") && !schemes.contains(s)) {
                throw new IllegalArgumentException("Authentication scheme " + s + " is not available.");
            }
        }
        return enforce;
    }
}
