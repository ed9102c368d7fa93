package dev.keeper.server.tree;

/**
 * Znode path rules, as {@code PathUtils.validatePath} applies them: absolute, no trailing slash, no empty,
 * "." or ".." component, and no control, surrogate or private-use characters.
 */
public final class ZPath {
    private ZPath() {
    }

    /** Null when {@code path} is valid, else ZooKeeper's reason. */
    public static String invalidReason(String path) {
        if (path == null) {
            return "Path cannot be null";
        }
        int n = path.length();
        if (n == 0) {
            return "Path length must be > 0";
        }
        if (path.charAt(0) != '/') {
            return "Path must start with / character";
        }
        if (n == 1) {
            return null;
        }
        if (path.charAt(n - 1) == '/') {
            return "Path must not end with / character";
        }
        char last = '/';
        for (int i = 1; i < n; last = path.charAt(i), i++) {
            char c = path.charAt(i);
            if (c == 0) {
                return "null character not allowed @" + i;
            } else if (c == '/' && last == '/') {
                return "empty node name specified @" + i;
            } else if (c == '.' && last == '.') {
                if (path.charAt(i - 2) == '/' && (i + 1 == n || path.charAt(i + 1) == '/')) {
                    return "relative paths not allowed @" + i;
                }
            } else if (c == '.') {
                if (path.charAt(i - 1) == '/' && (i + 1 == n || path.charAt(i + 1) == '/')) {
                    return "relative paths not allowed @" + i;
                }
            } else if (c > '\u0000' && c <= '\u001f'
                    || c >= '\u007f' && c <= '\u009F'
                    || c >= '\ud800' && c <= '\uf8ff'
                    || c >= '\ufff0') {
                return "invalid character @" + i;
            }
        }
        return null;
    }

    public static boolean isValid(String path) {
        return invalidReason(path) == null;
    }

    /** The parent of an absolute path: "/" for top-level nodes, "" for "/" itself (ZooKeeper's alias). */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        if (slash == 0) {
            return path.length() == 1 ? "" : "/";
        }
        return path.substring(0, slash);
    }

    /** The last component of a path. */
    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The path of {@code child} under {@code parent}. */
    public static String child(String parent, String child) {
        return "/".equals(parent) ? "/" + child : parent + "/" + child;
    }
}
