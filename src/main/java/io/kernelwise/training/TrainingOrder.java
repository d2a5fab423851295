package io.kernelwise.training;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** Which images a run trains and validates on, and in which order: all seeded, so resumable. */
final class TrainingOrder {
  private TrainingOrder() {}

  /** Train and validation indices: a test split validates; otherwise a seeded hold-out does. */
  record Split(int[] train, int[] validation) {}

  static Split split(int trainCount, boolean hasTest, long seed, double validationSplit) {
    if (hasTest) {
      return new Split(IntStream.range(0, trainCount).toArray(), new int[0]);
    }
    int[] shuffled = permutation(trainCount, new SplittableRandom(seed));
    int held = HyperparameterRules.heldOut(trainCount, validationSplit);
    int[] validation = Arrays.copyOfRange(shuffled, 0, held);
    int[] train = Arrays.copyOfRange(shuffled, held, trainCount);
    Arrays.sort(validation);
    Arrays.sort(train);
    return new Split(train, validation);
  }

  /** A seeded Fisher-Yates permutation of 0..n-1. */
  static int[] permutation(int n, SplittableRandom rng) {
    int[] order = IntStream.range(0, n).toArray();
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
