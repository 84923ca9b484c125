package io.ticklake.bronze.read;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * How ticklake reads one JSON value per line, from vendor JSONL files ({@link MappedReader}) and
 * from the live writer's input: numbers with a fraction as exact decimals, never doubles; text
 * after the value (a second object, junk) refused rather than silently dropped; and a key given
 * twice in one object refused, since which of its values the vendor meant cannot be known (taking
 * the last one would silently pick a price).
 */
public final class JsonLines {
  /** The reader with those settings. Thread-safe. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .build();

  private static final String DUPLICATE = "Duplicate field '";

  private JsonLines() {}

  /** Why {@link #MAPPER} refused a line: Jackson's words, except where they name its settings. */
  public static String reason(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (e instanceof MismatchedInputException && message != null && message.startsWith(DUPLICATE)) {
      int end = message.indexOf("' for ", DUPLICATE.length());
      if (end > 0) {
        return "field '"
            + message.substring(DUPLICATE.length(), end)
            + "' appears more than once in one object";
      }
    }
    return message;
  }
}
