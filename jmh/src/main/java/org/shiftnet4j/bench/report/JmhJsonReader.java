package org.shiftnet4j.bench.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.shiftnet4j.bench.report.JmhResult.Metric;
import org.shiftnet4j.bench.report.JmhResult.RunSettings;

/**
 * Reads JMH's JSON result format with the jackson-core streaming parser. The file is small (one object per
 * benchmark), so it is first read into plain maps and lists and then picked apart; unknown fields are ignored,
 * so newer JMH versions that add fields still read.
 */
public final class JmhJsonReader {
    private static final JsonFactory JSON = new JsonFactory();

    private JmhJsonReader() {
    }

    public static List<JmhResult> read(InputStream in) throws IOException {
        try (JsonParser parser = JSON.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("not a JMH JSON result file: it does not start with an array"
                        + " (was the run started with -rf json?)");
            }
            List<JmhResult> results = new ArrayList<>();
            for (Object entry : readArray(parser)) {
                results.add(toResult(asMap(entry, "benchmark entry")));
            }
            return results;
        }
    }

    private static JmhResult toResult(Map<String, Object> entry) throws IOException {
        String benchmark = text(entry, "benchmark");
        Map<String, String> params = new LinkedHashMap<>();
        if (entry.get("params") instanceof Map<?, ?> raw) {
            raw.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
        }
        Map<String, Metric> secondary = new LinkedHashMap<>();
        if (entry.get("secondaryMetrics") instanceof Map<?, ?> raw) {
            for (var e : raw.entrySet()) {
                secondary.put(String.valueOf(e.getKey()), toMetric(asMap(e.getValue(), "secondary metric")));
            }
        }
        List<String> jvmArgs = new ArrayList<>();
        if (entry.get("jvmArgs") instanceof List<?> raw) {
            raw.forEach(a -> jvmArgs.add(String.valueOf(a)));
        }
        RunSettings settings = new RunSettings(text(entry, "jmhVersion"), integer(entry, "forks"),
                integer(entry, "threads"), integer(entry, "warmupIterations"), text(entry, "warmupTime"),
                integer(entry, "measurementIterations"), text(entry, "measurementTime"), text(entry, "jvm"),
                List.copyOf(jvmArgs), text(entry, "jdkVersion"), text(entry, "vmName"), text(entry, "vmVersion"));
        Metric primary = toMetric(asMap(entry.get("primaryMetric"), "primaryMetric of " + benchmark));
        return new JmhResult(benchmark, text(entry, "mode"), Map.copyOf(params), primary, Map.copyOf(secondary),
                settings);
    }

    private static Metric toMetric(Map<String, Object> metric) throws IOException {
        return new Metric(number(metric.get("score")), number(metric.get("scoreError")), text(metric, "scoreUnit"));
    }

    /** JMH writes non-finite numbers as strings ("NaN"). */
    private static double number(Object value) throws IOException {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IOException("expected a number in the JMH result, found \"" + s + "\"", e);
            }
        }
        return Double.NaN;
    }

    private static String text(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value == null ? "" : String.valueOf(value);
    }

    private static int integer(Map<String, Object> map, String key) throws IOException {
        double value = number(map.get(key));
        return Double.isNaN(value) ? 0 : (int) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value, String what) throws IOException {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IOException("JMH result: " + what + " is not a JSON object");
    }

    private static Object readValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> readArray(parser);
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected JSON token " + token + " at " + parser.currentLocation());
        };
    }

    private static Map<String, Object> readObject(JsonParser parser) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            map.put(name, readValue(parser));
        }
        return map;
    }

    private static List<Object> readArray(JsonParser parser) throws IOException {
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() == null) {
                throw new IOException("JMH result file ends inside an array (was the run interrupted?)");
            }
            list.add(readValue(parser));
        }
        return list;
    }
}
