package dev.keeper.server.auth;

import java.util.regex.Pattern;

/**
 * The "ip" scheme ({@code IPAuthenticationProvider}): every connection carries its peer address as an ip id,
 * and an ACL id "addr" or "addr/bits" matches addresses in that network.
 */
public final class IpAuth {
    public static final String SCHEME = "ip";
    private static final Pattern V4 = Pattern.compile("^(\\d{1,3}\\.){3}\\d{1,3}$");
    private static final Pattern V6 = Pattern.compile("^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$");

    private IpAuth() {
    }

    public static boolean isValid(String id) {
        String[] parts = id.split("/", 2);
        byte[] addr = bytes(parts[0]);
        if (addr == null) {
            return false;
        }
        return parts.length == 1 || bitsOf(parts[1], addr.length) >= 0;
    }

    public static boolean matches(String address, String aclExpr) {
        String[] parts = aclExpr.split("/", 2);
        byte[] acl = bytes(parts[0]);
        if (acl == null) {
            return false;
        }
        int bits = acl.length * 8;
        if (parts.length == 2) {
            bits = bitsOf(parts[1], acl.length);
            if (bits < 0) {
                return false;
            }
        }
        byte[] remote = bytes(address);
        if (remote == null || remote.length != acl.length) {
            return false;
        }
        mask(acl, bits);
        mask(remote, bits);
        return java.util.Arrays.equals(acl, remote);
    }

    private static int bitsOf(String s, int len) {
        try {
            int bits = Integer.parseInt(s);
            return bits < 0 || bits > len * 8 ? -1 : bits;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void mask(byte[] b, int bits) {
        int start = bits / 8;
        int startMask = ~((1 << (8 - (bits % 8))) - 1);
        while (start < b.length) {
            b[start] &= startMask;
            startMask = 0;
            start++;
        }
    }

    private static byte[] bytes(String addr) {
        if (V4.matcher(addr).find()) {
            String[] p = addr.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(p[i]);
                if (v > 255) {
                    return null;
                }
                b[i] = (byte) v;
            }
            return b;
        }
        if (V6.matcher(addr).find()) {
            try {
                byte[] b = java.net.InetAddress.getByName(addr).getAddress();
                return b.length == 16 ? b : null;
            } catch (java.net.UnknownHostException e) {
                return null;
            }
        }
        return null;
    }
}
