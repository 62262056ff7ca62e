package io.github.convlstm4j.bench;

import java.util.List;
import java.util.Locale;

/**
 * Writes a report as plain text (stdout) or Markdown: headings, bullets, lines and tables, and
 * the cell formats the bench and soak reports share.
 */
final class ReportWriter {

  private final boolean markdown;
  private final StringBuilder sb = new StringBuilder();

  /** @param markdown Markdown, or plain text with the platform's line separator */
  ReportWriter(boolean markdown) {
    this.markdown = markdown;
  }

  /** A section heading: {@code ###} in Markdown, underlined in text. */
  void heading(String s) {
    if (markdown) {
      sb.append("### ").append(s).append("\n\n");
    } else {
      sb.append(s).append(System.lineSeparator());
      sb.append("-".repeat(Math.min(100, s.length()))).append(System.lineSeparator());
    }
  }

  /** A bullet: {@code -} in Markdown, {@code *} in text. */
  void bullet(String s) {
    line((markdown ? "- " : "* ") + s);
  }

  /** One line. */
  void line(String s) {
    sb.append(s).append(markdown ? "\n" : System.lineSeparator());
  }

  /** An empty line. */
  void blank() {
    line("");
  }

  /** A table, then an empty line. */
  void table(TextTable t) {
    sb.append(markdown ? t.markdown() : t.text());
    blank();
  }

  /** The "Skipped or failed" section, when anything was. */
  void skipped(List<String> skipped) {
    if (!skipped.isEmpty()) {
      heading("Skipped or failed");
      for (String s : skipped) {
        bullet(s);
      }
      blank();
    }
  }

  /** The report written so far. */
  @Override
  public String toString() {
    return sb.toString();
  }

  /** The text up to its first line break. */
  static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** No decimals, or {@code -} when not finite. */
  static String fixed0(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f", v) : "-";
  }

  /** One decimal, or {@code -} when not finite. */
  static String fixed1(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "-";
  }
}
