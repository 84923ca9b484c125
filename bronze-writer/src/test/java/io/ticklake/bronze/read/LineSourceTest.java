package io.ticklake.bronze.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSourceTest {
  private static List<String> lines(String text, int maxLine) throws IOException {
    return lines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), maxLine);
  }

  private static List<String> lines(InputStream in, int maxLine) throws IOException {
    LineSource source = new LineSource(in, maxLine);
    List<String> out = new ArrayList<>();
    while (source.next()) {
      String text =
          new String(
              source.bytes(),
              source.start(),
              source.end() - source.start(),
              StandardCharsets.UTF_8);
      out.add(
          source.lineNumber() + (source.overlong() ? "!" + source.lineBytes() : "") + ":" + text);
    }
    return out;
  }

  @Test
  void splitsOnNewlinesAndDropsCarriageReturns() throws IOException {
    assertThat(lines("a\nb\r\n\nc", 100)).containsExactly("1:a", "2:b", "3:", "4:c");
    assertThat(lines("a\n", 100)).containsExactly("1:a");
    assertThat(lines("", 100)).isEmpty();
    assertThat(lines("\n", 100)).containsExactly("1:");
    assertThat(lines("\uFEFFx,y\nz", 100)).containsExactly("1:x,y", "2:z");
    assertThat(lines("x\n\uFEFFy", 100)).containsExactly("1:x", "2:\uFEFFy");
  }

  @Test
  void overlongLinesAreCutAndCounted() throws IOException {
    String longLine = "x".repeat(50);
    assertThat(lines("ab\n" + longLine + "\ncd", 16))
        .containsExactly("1:ab", "2!50:" + "x".repeat(16), "3:cd");
    assertThat(lines(longLine, 16)).containsExactly("1!50:" + "x".repeat(16));
    assertThat(lines("x".repeat(16) + "\nok", 16)).hasSize(2).last().isEqualTo("2:ok");
  }

  @Test
  void aLineOfExactlyTheLimitIsKeptWhole() throws IOException {
    String full = "x".repeat(16);
    assertThat(lines(full + "\nok", 16)).containsExactly("1:" + full, "2:ok");
    assertThat(lines(full + "\r\nok", 16)).containsExactly("1:" + full, "2:ok");
    assertThat(lines("ab\n" + full + "\nok", 16)).containsExactly("1:ab", "2:" + full, "3:ok");
    assertThat(lines(full + "x\nok", 16)).containsExactly("1!17:" + full, "2:ok");
    assertThat(lines(full + "x\r\nok", 16)).containsExactly("1!17:" + full, "2:ok");
  }

  @Test
  void survivesTinyReads() throws IOException {
    String text = "14430270,1815200,283,P,20002020,0\n".repeat(1000);
    InputStream dribble =
        new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 3));
          }
        };
    List<String> out = lines(dribble, 64);
    assertThat(out).hasSize(1000).allMatch(l -> l.endsWith(":14430270,1815200,283,P,20002020,0"));
  }
}
