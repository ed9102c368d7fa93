package dev.keeper.server.auth;

import dev.keeper.server.config.X509IdRule;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import org.apache.zookeeper.data.Id;

/**
 * The "x509" scheme ({@code X509AuthenticationProvider}): a client that presents a certificate on the TLS port is
 * "x509:" + its subject DN as {@link X500Principal#getName()} prints it (RFC 2253), once the chain is trusted
 * again by the trust store (or, with {@code ssl.x509.clientCertIdType=SAN}, a subject alternative name of it:
 * {@link X509IdRule}); the subject named by {@code zookeeper.X509AuthenticationProvider.superUser} is also
 * "super:" + that DN. ACL ids are compared with it as text.
 */
public final class X509Auth {
    public static final String SCHEME = "x509";

    private X509Auth() {
    }

    /**
     * The ids the chain proves, or an empty list when it proves none (no chain, no trust store, or a chain the
     * trust store refuses), which ZooKeeper answers by closing the connection.
     */
    public static List<Id> identify(X509Certificate[] chain, X509TrustManager trust, String superUser,
            X509IdRule rule) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no certificate chain to authenticate");
        }
        if (trust == null) {
            throw new CertificateException("no trust store to authenticate the certificate with");
        }
        X509Certificate cert = chain[0];
        trust.checkClientTrusted(chain, cert.getPublicKey().getAlgorithm());
        String id = rule.san() ? sanId(cert, rule) : cert.getSubjectX500Principal().getName();
        List<Id> ids = new ArrayList<>(2);
        if (id.equals(superUser)) {
            ids.add(new Id("super", id));
        }
        ids.add(new Id(SCHEME, id));
        return ids;
    }

    /** The subject alternative name {@code rule} picks ({@link X509IdRule}), or an exception when none matches. */
    static String sanId(X509Certificate cert, X509IdRule rule) throws CertificateException {
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        if (names != null) {
            for (List<?> name : names) {
                if (name.size() < 2 || !(name.get(0) instanceof Integer type) || !(name.get(1) instanceof String v)) {
                    continue; // otherName and the like come as DER bytes: no text to take
                }
                if ((rule.sanType() >= 0 && type != rule.sanType())
                        || (rule.matchRegex() != null && !rule.matchRegex().matcher(v).matches())) {
                    continue;
                }
                if (rule.extractRegex() == null) {
                    return v;
                }
                Matcher m = rule.extractRegex().matcher(v);
                if (m.find() && rule.extractGroup() <= m.groupCount() && m.group(rule.extractGroup()) != null) {
                    return m.group(rule.extractGroup());
                }
            }
        }
        throw new CertificateException("no subject alternative name of the client certificate matches"
                + " ssl.x509.clientCertIdType=SAN's rule");
    }

    /** An x509 ACL id must parse as a distinguished name ({@code X509AuthenticationProvider.isValid}). */
    public static boolean isValid(String id) {
        try {
            new X500Principal(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
