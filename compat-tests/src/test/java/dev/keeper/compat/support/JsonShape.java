package dev.keeper.compat.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the AdminServer differential tests compare of two JSON answers: their shape, field names in order and JSON
 * types, whatever the values.
 */
public final class JsonShape {
    private JsonShape() {
    }

    /**
     * A JSON value's shape: objects by field name in order (names that are numbers, such as session ids, server ids
     * and expiry times, become "#" and their values' shapes merge), arrays by their first element's shape, scalars by
     * type.
     */
    public static String shape(JsonNode n) {
        if (n.isObject()) {
            StringBuilder b = new StringBuilder("{");
            // paths are a hash map's keys on ZooKeeper's side, and server_stats a bean whose getters Jackson finds in
            // the JVM's reflection order, which changes from one ZooKeeper process to the next: their order means
            // nothing
            Map<String, String> fields = new TreeMap<>();
            if (!n.has("provider_null") && (!n.fieldNames().hasNext() || !n.fieldNames().next().startsWith("/"))) {
                fields = new LinkedHashMap<>();
            }
            Map<String, String> f = fields;
            n.fields().forEachRemaining(e -> {
                String key = e.getKey().matches("-?\\d+") ? "#" : e.getKey();
                String value = shape(e.getValue());
                f.merge(key, value, (a, c) -> a.equals("[]") ? c : a);
            });
            fields.forEach((k, v) -> b.append(k).append(':').append(v).append(','));
            return b.append('}').toString();
        }
        if (n.isArray()) {
            return n.isEmpty() ? "[]" : "[" + shape(n.get(0)) + "]";
        }
        return type(n);
    }

    /**
     * The fields of {@code ours} that {@code zookeeper} lacks; each field both have with different JSON types goes
     * to {@code mismatch} as "key is X, ZooKeeper's Y (ours v, ZooKeeper's w)".
     */
    public static java.util.Set<String> extraFields(JsonNode ours, JsonNode zookeeper,
            java.util.function.Consumer<String> mismatch) {
        java.util.Set<String> extra = new java.util.TreeSet<>();
        ours.fieldNames().forEachRemaining(k -> {
            if (!zookeeper.has(k)) {
                extra.add(k);
            } else if (!type(ours.get(k)).equals(type(zookeeper.get(k)))) {
                mismatch.accept(k + " is " + type(ours.get(k)) + ", ZooKeeper's " + type(zookeeper.get(k)) + " (ours "
                        + ours.get(k) + ", ZooKeeper's " + zookeeper.get(k) + ")");
            }
        });
        return extra;
    }

    /** A scalar's JSON type: null, boolean, integer, decimal or string. */
    public static String type(JsonNode n) {
        if (n.isNull()) {
            return "null";
        }
        if (n.isBoolean()) {
            return "boolean";
        }
        if (n.isIntegralNumber()) {
            return "integer";
        }
        if (n.isNumber()) {
            return "decimal";
        }
        return n.isTextual() ? "string" : n.getNodeType().toString();
    }
}
