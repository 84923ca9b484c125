package io.ticklake.gold.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON columns of {@code gold.quality_daily}: rule counts and gaps. Stateless. */
final class QualityJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private QualityJson() {}

  /** {@code {"rule": count, …}} with rules in name order. */
  static String rules(Map<String, Long> byRule) {
    ObjectNode o = MAPPER.createObjectNode();
    new TreeMap<>(byRule).forEach(o::put);
    return write(o);
  }

  /** {@code [{"start": ISO, "end": ISO, "ms": n}, …]} in time order. */
  static String gaps(List<Gap> gaps) {
    ArrayNode a = MAPPER.createArrayNode();
    for (Gap g : gaps) {
      ObjectNode o = a.addObject();
      o.put("start", g.start().toString());
      o.put("end", g.end().toString());
      o.put("ms", g.millis());
    }
    return write(a);
  }

  static Map<String, Long> parseRules(String json) {
    Map<String, Long> out = new TreeMap<>();
    if (json == null || json.isBlank()) {
      return out;
    }
    JsonNode n = read(json);
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asLong());
    }
    return out;
  }

  static List<Gap> parseGaps(String json) {
    List<Gap> out = new ArrayList<>();
    if (json == null || json.isBlank()) {
      return out;
    }
    for (JsonNode g : read(json)) {
      out.add(
          new Gap(Instant.parse(g.get("start").asText()), Instant.parse(g.get("end").asText())));
    }
    return out;
  }

  private static String write(JsonNode n) {
    try {
      return MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON: " + e.getMessage(), e);
    }
  }

  private static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new TicklakeException(
          Kind.INPUT, "Cannot read quality JSON " + json + ": " + e.getOriginalMessage(), e);
    }
  }
}
