package io.cloneguard.e2e;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table: a header, a rule and aligned columns; numbers right-aligned. */
public final class TextTable {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  public TextTable(String... headers) {
    this.headers = List.of(headers);
  }

  public TextTable row(Object... cells) {
    List<String> row = new ArrayList<>();
    for (int i = 0; i < headers.size(); i++) {
      row.add(i < cells.length && cells[i] != null ? String.valueOf(cells[i]) : "");
    }
    rows.add(row);
    return this;
  }

  public int size() {
    return rows.size();
  }

  public String render() {
    int[] width = new int[headers.size()];
    boolean[] numeric = new boolean[headers.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = headers.get(c).length();
      numeric[c] = !rows.isEmpty();
      for (List<String> row : rows) {
        width[c] = Math.max(width[c], row.get(c).length());
        numeric[c] &= row.get(c).isEmpty() || row.get(c).matches("[-+]?[0-9][0-9.,]*\\s*[a-zA-Z%/x]*");
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, headers, width, new boolean[width.length]);
    List<String> rule = new ArrayList<>();
    for (int w : width) {
      rule.add("-".repeat(w));
    }
    line(out, rule, width, new boolean[width.length]);
    for (List<String> row : rows) {
      line(out, row, width, numeric);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] width, boolean[] right) {
    StringBuilder l = new StringBuilder("  ");
    for (int c = 0; c < width.length; c++) {
      String cell = cells.get(c);
      String pad = " ".repeat(width[c] - cell.length());
      l.append(right[c] ? pad + cell : cell + pad);
      if (c < width.length - 1) {
        l.append("  ");
      }
    }
    out.append(l.toString().stripTrailing()).append('\n');
  }
}
