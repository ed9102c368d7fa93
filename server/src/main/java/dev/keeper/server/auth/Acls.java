package dev.keeper.server.auth;

import dev.keeper.server.op.OpError;
import dev.keeper.wire.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * ACL checks, as {@code ZooKeeperServer.checkACL} and {@code PrepRequestProcessor.fixupACL} make them, for the
 * schemes this server knows: world, auth, digest, ip, x509 (with TLS), sasl (with its provider registered), and the super user.
 */
public final class Acls {
    private Acls() {
    }

    /** Passes if {@code auth} grants {@code perm} under {@code acl}; else NoAuth. */
    public static void check(List<ACL> acl, int perm, List<Id> auth) throws OpError {
        if (!allows(acl, perm, auth)) {
            throw new OpError(ErrorCode.NO_AUTH);
        }
    }

    public static boolean allows(List<ACL> acl, int perm, List<Id> auth) {
        if (acl == null || acl.isEmpty()) {
            return true;
        }
        for (Id a : auth) {
            if ("super".equals(a.getScheme())) {
                return true;
            }
        }
        for (ACL entry : acl) {
            if ((entry.getPerms() & perm) == 0) {
                continue;
            }
            Id id = entry.getId();
            String scheme = id.getScheme();
            if ("world".equals(scheme) && "anyone".equals(id.getId())) {
                return true;
            }
            for (Id a : auth) {
                if (!scheme.equals(a.getScheme())) {
                    continue;
                }
                if (DigestAuth.SCHEME.equals(scheme) && a.getId().equals(id.getId())) {
                    return true;
                }
                if (X509Auth.SCHEME.equals(scheme) && a.getId().equals(id.getId())) {
                    return true;
                }
                // SASLAuthenticationProvider.matches: a SASL user named "super" matches every sasl ACL
                if (SaslAuth.SCHEME.equals(scheme) && (a.getId().equals("super") || a.getId().equals(id.getId()))) {
                    return true;
                }
                if (IpAuth.SCHEME.equals(scheme) && IpAuth.matches(a.getId(), id.getId())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Validates the ACL of a create or setACL and expands "auth" ids to the requester's authenticated ids, in
     * the order ZooKeeper lists them ({@link AuthIds}); duplicates are dropped. Empty, malformed or unknown-scheme lists are InvalidACL.
     * {@code schemes} are the schemes registered beyond digest and ip ("x509" with TLS): an id of any other is
     * InvalidACL, as {@code PrepRequestProcessor.fixupACL} finds no provider for it.
     */
    public static List<ACL> fixup(List<ACL> acls, List<Id> auth, java.util.Set<String> schemes) throws OpError {
        if (acls == null || acls.isEmpty()) {
            throw new OpError(ErrorCode.INVALID_ACL);
        }
        List<ACL> unique = new ArrayList<>(acls.size());
        for (ACL a : acls) {
            if (!unique.contains(a)) {
                unique.add(a);
            }
        }
        List<ACL> out = new ArrayList<>(unique.size());
        for (ACL a : unique) {
            Id id = a == null ? null : a.getId();
            if (id == null || id.getScheme() == null) {
                throw new OpError(ErrorCode.INVALID_ACL);
            }
            String scheme = id.getScheme();
            if ("world".equals(scheme) && "anyone".equals(id.getId())) {
                out.add(a);
            } else if ("auth".equals(scheme)) {
                boolean any = false;
                for (Id cid : AuthIds.inServerOrder(auth)) {
                    // Only schemes whose ids prove who the client is count ("digest", "x509"; not "ip", and
                    // not "super", which has no provider).
                    // x509 and sasl ids count only with their provider registered: fixupACL skips an id it finds no
                    // provider for.
                    String s = cid.getScheme();
                    if (DigestAuth.SCHEME.equals(s) || schemes.contains(s)) {
                        any = true;
                        out.add(new ACL(a.getPerms(), cid));
                    }
                }
                if (!any) {
                    throw new OpError(ErrorCode.INVALID_ACL);
                }
            } else if (DigestAuth.SCHEME.equals(scheme) && id.getId() != null && DigestAuth.isValid(id.getId())) {
                out.add(a);
            } else if (IpAuth.SCHEME.equals(scheme) && id.getId() != null && IpAuth.isValid(id.getId())) {
                out.add(a);
            } else if (X509Auth.SCHEME.equals(scheme) && schemes.contains(scheme) && id.getId() != null
                    && X509Auth.isValid(id.getId())) {
                out.add(a);
            } else if (SaslAuth.SCHEME.equals(scheme) && schemes.contains(scheme) && id.getId() != null
                    && SaslAuth.isValid(id.getId())) {
                out.add(a);
            } else {
                throw new OpError(ErrorCode.INVALID_ACL);
            }
        }
        return out;
    }
}
