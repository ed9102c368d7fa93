package dev.keeper.server.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.URIParameter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

/**
 * SASL on the client port, set up as ZooKeeper 3.9.5's {@code ServerCnxnFactory.configureSaslLogin} sets it up:
 * from the JAAS file named by {@code java.security.auth.login.config}, section {@code Server} (or
 * {@code zookeeper.sasl.serverconfig}). DIGEST-MD5 users are the section's {@code user_<name>="<password>"}
 * options; a section that logs in with another module (Kerberos's {@code Krb5LoginModule} and a keytab) makes the
 * server a GSSAPI acceptor for the principal it logs in as.
 *
 * @param section        the JAAS section read
 * @param jaas           the JAAS configuration the section comes from (logged in with, for Kerberos)
 * @param digestUsers    DIGEST-MD5 user names and passwords
 * @param kerberos       the section logs in with a module other than ZooKeeper's DigestLoginModule
 * @param superUsers     {@code zookeeper.superUser} and {@code zookeeper.superUser.*}: SASL ids that are super
 * @param superPassword  {@code zookeeper.SASLAuthenticationProvider.superPassword}: the DIGEST-MD5 user "super"'s
 *                       password, over the JAAS file's, or null
 * @param removeHost     {@code zookeeper.kerberos.removeHostFromPrincipal}
 * @param removeRealm    {@code zookeeper.kerberos.removeRealmFromPrincipal}
 * @param allowFailed    {@code zookeeper.allowSaslFailedClients}: a client whose SASL fails keeps its connection
 */
public record SaslConfig(String section, Configuration jaas, Map<String, String> digestUsers, boolean kerberos,
        Set<String> superUsers, String superPassword, boolean removeHost, boolean removeRealm, boolean allowFailed) {
    /** ZooKeeper's own DIGEST-MD5 login module, named in JAAS files written for it; never loaded here. */
    public static final String DIGEST_LOGIN_MODULE = "org.apache.zookeeper.server.auth.DigestLoginModule";

    public SaslConfig {
        digestUsers = Map.copyOf(digestUsers);
        superUsers = Set.copyOf(superUsers);
    }

    /**
     * Reads the section, or returns null when there is no JAAS file or no such section in it (ZooKeeper then runs
     * without SASL). A JAAS file that cannot be read stops the start, as in ZooKeeper.
     */
    static SaslConfig read(Map<String, String> settings, String jaasFile) {
        String sectionProperty = settings.get("zookeeper.sasl.serverconfig");
        String section = sectionProperty == null ? "Server" : sectionProperty;
        if (jaasFile == null) {
            return null;
        }
        Configuration jaas;
        try {
            Path file = Path.of(jaasFile);
            URI uri = Files.exists(file) ? file.toUri() : URI.create(jaasFile);
            jaas = Configuration.getInstance("JavaLoginConfig", new URIParameter(uri));
        } catch (NoSuchAlgorithmException | IllegalArgumentException | SecurityException e) {
            throw new IllegalArgumentException("No JAAS configuration section named '" + section + "' was found in '"
                    + jaasFile + "'." + (sectionProperty != null ? " But zookeeper.sasl.serverconfig was set." : "")
                    + " (" + rootMessage(e) + ")");
        }
        AppConfigurationEntry[] entries = jaas.getAppConfigurationEntry(section);
        if (entries == null) {
            return null;
        }
        Map<String, String> users = new TreeMap<>();
        boolean kerberos = false;
        for (AppConfigurationEntry e : entries) {
            kerberos |= !DIGEST_LOGIN_MODULE.equals(e.getLoginModuleName());
            for (Map.Entry<String, ?> o : e.getOptions().entrySet()) {
                if (o.getKey().startsWith("user_")) {
                    users.put(o.getKey().substring("user_".length()), String.valueOf(o.getValue()));
                }
            }
        }
        Set<String> supers = new TreeSet<>();
        settings.forEach((k, v) -> {
            if (k.equals("zookeeper.superUser") || k.startsWith("zookeeper.superUser.")) {
                supers.add(v);
            }
        });
        return new SaslConfig(section, jaas, users, kerberos, supers,
                settings.get("zookeeper.SASLAuthenticationProvider.superPassword"),
                "true".equals(settings.get("zookeeper.kerberos.removeHostFromPrincipal")),
                "true".equals(settings.get("zookeeper.kerberos.removeRealmFromPrincipal")),
                Boolean.parseBoolean(settings.get("zookeeper.allowSaslFailedClients")));
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Override
    public String toString() {
        return "SaslConfig[section=" + section + ", users=" + List.copyOf(digestUsers.keySet()) + ", kerberos="
                + kerberos + "]";
    }
}
