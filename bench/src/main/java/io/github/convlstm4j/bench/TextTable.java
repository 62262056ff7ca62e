package io.github.convlstm4j.bench;

import java.util.ArrayList;
import java.util.List;

/** A table rendered as aligned plain text or as a Markdown table. */
final class TextTable {

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(List<String> header) {
    this.header = List.copyOf(header);
  }

  /** Adds a row (as many cells as the header). */
  TextTable row(List<String> cells) {
    if (cells.size() != header.size()) {
      throw new IllegalArgumentException("row must have " + header.size() + " cells, got "
          + cells.size());
    }
    rows.add(List.copyOf(cells));
    return this;
  }

  /** Plain text: the first column left-aligned, the others right-aligned. */
  String text() {
    int[] w = new int[header.size()];
    for (int c = 0; c < w.length; c++) {
      w[c] = header.get(c).length();
      for (List<String> r : rows) {
        w[c] = Math.max(w[c], r.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, w);
    for (List<String> r : rows) {
      line(sb, r, w);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] w) {
    for (int c = 0; c < cells.size(); c++) {
      String s = cells.get(c);
      String pad = " ".repeat(w[c] - s.length());
      sb.append(c == 0 ? s + pad : "  " + pad + s);
    }
    sb.append(System.lineSeparator());
  }

  /** A Markdown table. */
  String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("| ").append(String.join(" | ", header)).append(" |\n|");
    for (int c = 0; c < header.size(); c++) {
      sb.append(c == 0 ? "---|" : "---:|");
    }
    sb.append('\n');
    for (List<String> r : rows) {
      sb.append("| ").append(String.join(" | ", r).replace("\n", " ")).append(" |\n");
    }
    return sb.toString();
  }
}
