package dev.keeper.server.admin;

import dev.keeper.server.auth.Acls;
import dev.keeper.server.auth.DigestAuth;
import dev.keeper.server.auth.IpAuth;
import dev.keeper.server.auth.X509Auth;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.tree.DataTree;
import dev.keeper.server.tree.NodeState;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may run snapshot and restore: ZooKeeper 3.9's {@code Commands.handleAuthentication} and
 * {@code handleAuthorization}. The {@code Authorization} header is "&lt;scheme&gt; [&lt;auth data&gt;]": "digest
 * user:password", "ip" (the caller's address) or "x509" (the HTTPS client's certificate). The ids it proves must
 * hold ALL on "/", bit by bit, as a ZooKeeper client's would.
 */
public final class AdminAuth {
    private static final Logger LOG = LoggerFactory.getLogger(AdminAuth.class);

    /** The caller proves no identity: 401 "Not authenticated". */
    public static final class NotAuthenticated extends Exception {
        NotAuthenticated(String why) {
            super(why, null, false, false);
        }
    }

    private AdminAuth() {
    }

    /**
     * HTTP thread: the ids the header proves. {@code chain} is the HTTPS client's certificate chain (or null), and
     * {@code trust} what it is checked against.
     */
    public static List<Id> authenticate(String header, String remoteIp, X509Certificate[] chain, X509TrustManager trust,
            ServerConfig config) throws NotAuthenticated {
        String[] parts = header.split(" ");
        if (parts.length != 1 && parts.length != 2) {
            throw new NotAuthenticated("Invalid auth info length");
        }
        String scheme = parts[0];
        byte[] data = parts.length == 2 ? parts[1].getBytes(StandardCharsets.UTF_8) : null;
        List<Id> ids = new ArrayList<>(2);
        switch (scheme) {
            case DigestAuth.SCHEME -> {
                if (data == null) {
                    throw new NotAuthenticated("digest needs user:password");
                }
                String digest = DigestAuth.digest(new String(data, StandardCharsets.UTF_8));
                if (digest.equals(config.superDigest())) {
                    ids.add(new Id("super", ""));
                }
                ids.add(new Id(DigestAuth.SCHEME, digest));
            }
            case IpAuth.SCHEME -> ids.add(new Id(IpAuth.SCHEME, remoteIp));
            case X509Auth.SCHEME -> {
                if (!config.security().x509()) {
                    throw new NotAuthenticated("Auth provider not found for schema");
                }
                try {
                    ids.addAll(X509Auth.identify(chain, trust, config.security().x509SuperUser(),
                            config.security().x509Id()));
                } catch (CertificateException e) {
                    throw new NotAuthenticated(e.getMessage());
                }
            }
            default -> throw new NotAuthenticated("Auth provider not found for schema");
        }
        return ids;
    }

    /** Processor thread: true if {@code ids} hold every bit of {@code perms} on {@code path}'s ACL. */
    public static boolean authorized(DataTree tree, String path, int perms, List<Id> ids) {
        NodeState node = tree.get(path);
        if (node == null) {
            return false;
        }
        List<ACL> acl = tree.acl(node);
        for (int bit = 1; bit <= perms; bit <<= 1) {
            if ((perms & bit) != 0 && !Acls.allows(acl, bit, ids)) {
                return false;
            }
        }
        return true;
    }

    static void logRefusal(String command, String why) {
        LOG.warn("AdminServer: {} refused: {}", command, why);
    }
}
