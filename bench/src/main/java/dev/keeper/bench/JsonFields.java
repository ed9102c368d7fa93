package dev.keeper.bench;

/**
 * The top-level fields of a JSON object, read without a JSON library (the benchmark has none on its class path):
 * enough for the console's figures, which are numbers and strings at the top of the answer. Nested objects and
 * arrays are skipped, so a {@code heapBytes} inside {@code topPaths} is never taken for the top-level one.
 */
final class JsonFields {
    private JsonFields() {
    }

    /** The top-level number {@code key}, or -1 when it is missing or not a number. */
    static long number(String json, String key) {
        String v = raw(json, key);
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            try {
                return (long) Double.parseDouble(v);
            } catch (NumberFormatException e2) {
                return -1;
            }
        }
    }

    /**
     * The text of top-level field {@code key}'s value: a string's content (escapes other than {@code \"} and
     * {@code \\} left as they are), or a number's or literal's text; null when absent or an object or array.
     */
    static String raw(String json, String key) {
        int depth = 0;
        int i = 0;
        int n = json.length();
        while (i < n) {
            char c = json.charAt(i);
            if (c == '"') {
                int end = stringEnd(json, i);
                if (depth == 1) {
                    int colon = skipSpace(json, end + 1);
                    if (colon < n && json.charAt(colon) == ':') {
                        String name = unescape(json.substring(i + 1, end));
                        int v = skipSpace(json, colon + 1);
                        if (name.equals(key)) {
                            return value(json, v);
                        }
                        i = v;
                        continue;
                    }
                }
                i = end + 1;
            } else {
                if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                }
                i++;
            }
        }
        return null;
    }

    private static String value(String json, int at) {
        if (at >= json.length()) {
            return null;
        }
        char c = json.charAt(at);
        if (c == '"') {
            return unescape(json.substring(at + 1, stringEnd(json, at)));
        }
        if (c == '{' || c == '[') {
            return null;
        }
        int end = at;
        while (end < json.length() && ",}] \t\r\n".indexOf(json.charAt(end)) < 0) {
            end++;
        }
        return json.substring(at, end);
    }

    /** The index of the closing quote of the string opening at {@code open}. */
    private static int stringEnd(String json, int open) {
        int i = open + 1;
        while (i < json.length()) {
            char c = json.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i;
            } else {
                i++;
            }
        }
        return json.length();
    }

    private static int skipSpace(String json, int i) {
        while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String unescape(String s) {
        return s.indexOf('\\') < 0 ? s : s.replace("\\\"", "\"").replace("\\\\", "\\");
    }
}
