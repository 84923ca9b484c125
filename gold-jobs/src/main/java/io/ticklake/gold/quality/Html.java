package io.ticklake.gold.quality;

/** Escaping for HTML text, attribute values and inline SVG. Stateless. */
final class Html {
  private Html() {}

  /** Escapes {@code & < > " '} so that any text (symbols come from data) is inert. */
  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            b.append("&#xfffd;");
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /** A pixel coordinate with one decimal, Locale-independent. */
  static String px(double v) {
    long tenths = Math.round(v * 10);
    long whole = tenths / 10;
    long frac = Math.abs(tenths % 10);
    String sign = tenths < 0 && whole == 0 ? "-" : "";
    return frac == 0 ? sign + whole : sign + whole + "." + frac;
  }
}
