package dev.keeper.server.console;

import java.util.LinkedHashMap;
import java.util.Map;

/** One answer of the console's API: an HTTP status and a body Jackson writes as JSON. */
record ApiResponse(int status, Object body) {
    static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }

    static ApiResponse error(int status, String error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        return new ApiResponse(status, m);
    }

    /** A ZooKeeper result code's refusal: its name, and the code. */
    static ApiResponse error(int status, String error, int code) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        m.put("code", code);
        return new ApiResponse(status, m);
    }
}
