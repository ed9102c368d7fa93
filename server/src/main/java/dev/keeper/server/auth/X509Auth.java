package dev.keeper.server.auth;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import org.apache.zookeeper.data.Id;

/**
 * The "x509" scheme ({@code X509AuthenticationProvider}): a client that presents a certificate on the TLS port is
 * "x509:" + its subject DN as {@link X500Principal#getName()} prints it (RFC 2253), once the chain is trusted
 * again by the trust store; the subject named by {@code zookeeper.X509AuthenticationProvider.superUser} is also
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
    public static List<Id> identify(X509Certificate[] chain, X509TrustManager trust, String superUser)
            throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no certificate chain to authenticate");
        }
        if (trust == null) {
            throw new CertificateException("no trust store to authenticate the certificate with");
        }
        X509Certificate cert = chain[0];
        trust.checkClientTrusted(chain, cert.getPublicKey().getAlgorithm());
        String dn = cert.getSubjectX500Principal().getName();
        List<Id> ids = new ArrayList<>(2);
        if (dn.equals(superUser)) {
            ids.add(new Id("super", dn));
        }
        ids.add(new Id(SCHEME, dn));
        return ids;
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
