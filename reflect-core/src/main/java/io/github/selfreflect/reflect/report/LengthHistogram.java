package io.github.selfreflect.reflect.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Answer lengths in characters, counted into doubling buckets (under 32, 32–63, ..., 16384 and
 * more), so that the report can draw the distribution of a corpus of any size from a dozen numbers.
 */
final class LengthHistogram {

  /** The first bucket holds lengths below 2<sup>{@value}</sup>. */
  private static final int FIRST_POWER = 5;

  static final int BUCKETS = 11;

  private final long[] counts = new long[BUCKETS];
  private long total;
  private long sum;

  void add(int length) {
    int power = 31 - Integer.numberOfLeadingZeros(Math.max(length, 1)); // floor(log2)
    counts[Math.min(BUCKETS - 1, Math.max(0, power - FIRST_POWER + 1))]++;
    total++;
    sum += length;
  }

  long[] counts() {
    return counts.clone();
  }

  long total() {
    return total;
  }

  /** The mean length, or 0 when nothing was counted. */
  double mean() {
    return total == 0 ? 0 : (double) sum / total;
  }

  /**
   * The buckets' labels, short enough for a small chart: each names the bucket's lowest length,
   * {@code <32}, {@code 32}, {@code 64}, ..., {@code 8k}, {@code 16k+}.
   */
  static List<String> labels() {
    List<String> labels = new ArrayList<>(BUCKETS);
    labels.add("<" + (1 << FIRST_POWER));
    for (int i = 1; i < BUCKETS; i++) {
      int low = 1 << (FIRST_POWER + i - 1);
      labels.add((low >= 1024 ? (low / 1024) + "k" : String.valueOf(low)) + (i == BUCKETS - 1 ? "+" : ""));
    }
    return labels;
  }
}
