package dev.keeper.server.auth;

import dev.keeper.server.config.SaslConfig;
import java.security.Principal;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "sasl" scheme's server side, on the JDK's own {@link SaslServer}s as ZooKeeper uses them
 * ({@code SecurityUtils.createSaslServer}): DIGEST-MD5 with protocol "zookeeper" and server name "zk-sasl-md5",
 * or, when the JAAS section logged the server in as a Kerberos principal "service/host@REALM", GSSAPI as that
 * principal. A client's id is the authorization id the exchange ends with, shortened as
 * {@code SaslServerCallbackHandler} shortens it: a Kerberos principal of the default realm becomes its first
 * component, and keeps its host and realm unless {@code kerberos.removeHostFromPrincipal} /
 * {@code kerberos.removeRealmFromPrincipal} say otherwise.
 */
public final class SaslAuth {
    private static final Logger LOG = LoggerFactory.getLogger(SaslAuth.class);
    public static final String SCHEME = "sasl";
    /** KerberosName's parse: primary, optional /host, then @REALM. */
    private static final Pattern PRINCIPAL = Pattern.compile("([^/@]*)(/([^/@]*))?@([^/@]*)");

    private final SaslConfig config;
    /** The server's Kerberos login, or null for DIGEST-MD5. */
    private final Subject subject;
    private final String defaultRealm;

    private SaslAuth(SaslConfig config, Subject subject) {
        this.config = config;
        this.subject = subject;
        this.defaultRealm = defaultRealm();
    }

    /** Logs the server in when the section is Kerberos's; DIGEST-MD5 needs no login. */
    public static SaslAuth start(SaslConfig config) throws LoginException {
        Subject subject = null;
        if (config.kerberos()) {
            LoginContext login = new LoginContext(config.section(), null, callbacks -> { }, config.jaas());
            login.login();
            subject = login.getSubject();
            LOG.info("SASL: logged in from JAAS section '{}' as {}", config.section(),
                    subject.getPrincipals().stream().map(Principal::getName).toList());
        } else {
            LOG.info("SASL: DIGEST-MD5 with {} users from JAAS section '{}'", config.digestUsers().size(),
                    config.section());
        }
        return new SaslAuth(config, subject);
    }

    /** A SASL server for one connection. */
    public SaslServer newServer() throws SaslException {
        CallbackHandler handler = new Callbacks();
        if (subject == null || subject.getPrincipals().isEmpty()) {
            return Sasl.createSaslServer("DIGEST-MD5", "zookeeper", "zk-sasl-md5", null, handler);
        }
        Principal service = subject.getPrincipals().iterator().next();
        Matcher m = PRINCIPAL.matcher(service.getName());
        if (!m.matches() || m.group(3) == null) {
            throw new SaslException("server principal " + service.getName() + " is not service/host@REALM");
        }
        String name = m.group(1);
        String host = m.group(3);
        try {
            return Subject.doAs(subject, (PrivilegedExceptionAction<SaslServer>) () ->
                    Sasl.createSaslServer("GSSAPI", name, host, null, handler));
        } catch (PrivilegedActionException e) {
            throw new SaslException("cannot accept as " + service.getName(), e.getException());
        }
    }

    /** True if {@code id} is a SASL super user ({@code zookeeper.superUser}). */
    public boolean isSuper(String id) {
        return id != null && !id.isEmpty() && config.superUsers().contains(id);
    }

    /** A sasl ACL id must parse as a Kerberos name ({@code SASLAuthenticationProvider.isValid}). */
    public static boolean isValid(String id) {
        return PRINCIPAL.matcher(id).matches() || !id.contains("@");
    }

    /** {@code SaslServerCallbackHandler}, one per exchange: it remembers the user the name callback named. */
    private final class Callbacks implements CallbackHandler {
        private String user;

        @Override
        public void handle(Callback[] callbacks) {
            for (Callback cb : callbacks) {
                if (cb instanceof NameCallback nc) {
                    if (config.digestUsers().get(nc.getDefaultName()) == null) {
                        LOG.warn("User '{}' not found in list of DIGEST-MD5 authenticateable users.",
                                nc.getDefaultName());
                    } else {
                        nc.setName(nc.getDefaultName());
                        user = nc.getDefaultName();
                    }
                } else if (cb instanceof PasswordCallback pc) {
                    if ("super".equals(user) && config.superPassword() != null) {
                        pc.setPassword(config.superPassword().toCharArray());
                    } else if (user != null && config.digestUsers().containsKey(user)) {
                        pc.setPassword(config.digestUsers().get(user).toCharArray());
                    } else {
                        LOG.warn("No password found for user: {}", user);
                    }
                } else if (cb instanceof RealmCallback rc) {
                    rc.setText(rc.getDefaultText());
                } else if (cb instanceof AuthorizeCallback ac) {
                    ac.setAuthorized(true);
                    String id = authorizedId(ac.getAuthenticationID());
                    if (id != null) {
                        ac.setAuthorizedID(id);
                    }
                }
            }
        }
    }

    /**
     * The id a client authenticated as {@code authenticationId} gets, or null to keep the one it asked for
     * (ZooKeeper's KerberosName finds no rule for a principal of another realm and leaves it).
     */
    String authorizedId(String authenticationId) {
        Matcher m = PRINCIPAL.matcher(authenticationId);
        if (!m.matches()) {
            return authenticationId; // a DIGEST-MD5 user name: its own short name
        }
        String realm = m.group(4);
        if (!realm.equals(defaultRealm)) {
            LOG.error("Failed to set name based on Kerberos authentication rules: no rule for {}", authenticationId);
            return null;
        }
        StringBuilder id = new StringBuilder(m.group(1));
        if (m.group(3) != null && !config.removeHost()) {
            id.append('/').append(m.group(3));
        }
        if (!config.removeRealm()) {
            id.append('@').append(realm);
        }
        return id.toString();
    }

    /** The realm of the Kerberos configuration, or "" without one. */
    private static String defaultRealm() {
        try {
            return new KerberosPrincipal("probe").getRealm();
        } catch (IllegalArgumentException | SecurityException e) {
            return "";
        }
    }
}
