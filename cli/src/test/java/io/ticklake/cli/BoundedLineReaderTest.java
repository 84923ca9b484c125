package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {
  private static List<String> lines(String text, int max, int keep) throws IOException {
    List<String> out = new ArrayList<>();
    try (BoundedLineReader r = new BoundedLineReader(new StringReader(text), max, keep)) {
      for (String l; (l = r.readLine()) != null; ) {
        out.add(r.overlong() ? "!" + r.length() + ":" + l : l);
      }
    }
    return out;
  }

  @Test
  void endsLinesLikeBufferedReader() throws IOException {
    assertThat(lines("a\nb\r\nc\rd", 10, 4)).containsExactly("a", "b", "c", "d");
    assertThat(lines("a\n\nb\n", 10, 4)).containsExactly("a", "", "b");
    assertThat(lines("", 10, 4)).isEmpty();
    assertThat(lines("\r\n", 10, 4)).containsExactly("");
  }

  @Test
  void cutsOverlongLines() throws IOException {
    assertThat(lines("0123456789\nx", 10, 4)).containsExactly("0123456789", "x");
    assertThat(lines("0123456789A\r\nx", 10, 4)).containsExactly("!11:0123", "x");
    String huge = "y".repeat(200_000);
    assertThat(lines("a\n" + huge + "\nb", 1000, 5)).containsExactly("a", "!200000:yyyyy", "b");
  }
}
