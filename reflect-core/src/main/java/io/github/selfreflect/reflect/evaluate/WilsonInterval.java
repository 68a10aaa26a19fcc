package io.github.selfreflect.reflect.evaluate;

/**
 * The Wilson score interval for a proportion: unlike the textbook {@code p ± z·sqrt(p(1-p)/n)} it
 * stays inside [0, 1] and keeps a sensible width when the proportion is near 0 or 1 or the sample
 * is small, which is exactly where an evaluation of a few dozen pairs lives.
 *
 * @param low the lower bound
 * @param high the upper bound
 */
public record WilsonInterval(double low, double high) {

  /** The z value of a two-sided 95% interval. */
  public static final double Z95 = 1.959963984540054;

  /** The 95% interval for {@code successes} out of {@code n}; [0, 1] when n is 0. */
  public static WilsonInterval of95(long successes, long n) {
    return of(successes, n, Z95);
  }

  public static WilsonInterval of(long successes, long n, double z) {
    if (successes < 0 || successes > n) {
      throw new IllegalArgumentException(successes + " successes out of " + n);
    }
    if (n == 0) {
      return new WilsonInterval(0, 1);
    }
    double p = (double) successes / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2 * n)) / denominator;
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
    return new WilsonInterval(Math.max(0, centre - half), Math.min(1, centre + half));
  }
}
