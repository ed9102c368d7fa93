package dev.keeper.server.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How clients prove who they are, beyond ZooKeeper's always-on "digest" and "ip" schemes: TLS on the client port
 * and the authentication providers registered with {@code authProvider.N} ({@code zookeeper.authProvider.N}),
 * read as ZooKeeper's {@code ProviderRegistry} reads them.
 *
 * @param tls           TLS on the client port, or null when no port takes it
 * @param schemes       the extra ACL schemes a provider is registered for ("x509")
 * @param x509SuperUser {@code zookeeper.X509AuthenticationProvider.superUser}: the certificate subject that is super
 */
public record SecurityConfig(TlsConfig tls, Set<String> schemes, String x509SuperUser) {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityConfig.class);
    public static final SecurityConfig NONE = new SecurityConfig(null, Set.of(), null);
    /** The provider classes whose schemes this server implements, by class name. */
    private static final Map<String, String> PROVIDERS = Map.of(
            "org.apache.zookeeper.server.auth.X509AuthenticationProvider", "x509",
            "org.apache.zookeeper.server.auth.DigestAuthenticationProvider", "digest",
            "org.apache.zookeeper.server.auth.IPAuthenticationProvider", "ip");

    public SecurityConfig {
        schemes = Set.copyOf(schemes);
    }

    public boolean x509() {
        return schemes.contains("x509");
    }

    /**
     * Reads the settings; {@code setting} answers a {@code zookeeper.*} property (zoo.cfg's value, else the system
     * property's), {@code providerNames} are the {@code zookeeper.authProvider.*} properties set.
     */
    static SecurityConfig read(Function<String, String> setting, Set<String> providerNames, Integer securePort,
            String secureAddress, Path base) {
        Set<String> schemes = new TreeSet<>();
        for (String name : providerNames) {
            String cls = setting.apply(name);
            String scheme = PROVIDERS.get(cls == null ? "" : cls.trim());
            if (scheme == null) {
                // ProviderRegistry logs "Problems loading" and goes on without it
                LOG.warn("Problems loading {}: {} is not an authentication provider this server has", name, cls);
            } else if (!scheme.equals("digest") && !scheme.equals("ip")) {
                schemes.add(scheme);
            }
        }
        TlsConfig tls = TlsConfig.read(setting, securePort, secureAddress, base);
        if (tls != null) {
            // QuorumPeerConfig.configureSSLAuth: a TLS port registers the x509 provider itself, and refuses an
            // ssl.authProvider scheme that has no provider.
            if (!tls.authProvider().equals("x509") && !schemes.contains(tls.authProvider())) {
                throw new IllegalArgumentException("No auth provider configured for the SSL authentication scheme '"
                        + tls.authProvider() + "'.");
            }
            schemes.add("x509");
        }
        return new SecurityConfig(tls, schemes, setting.apply("zookeeper.X509AuthenticationProvider.superUser"));
    }
}
