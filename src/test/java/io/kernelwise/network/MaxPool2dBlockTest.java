package io.kernelwise.network;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The inference fast path of max pooling answers exactly what libtorch's max_pool2d answers. */
class MaxPool2dBlockTest {
  @Test
  void sameValuesAsMaxPool2dForEveryShapeAndMode() {
    long[][] cases = {
      // n, c, h, w, kh, kw, sh, sw, ph, pw
      {1, 32, 32, 32, 2, 2, 2, 2, 0, 0},
      {32, 64, 16, 16, 2, 2, 2, 2, 0, 0},
      {2, 3, 7, 9, 2, 2, 2, 2, 0, 0}, // odd sizes: the last row and column are dropped
      {2, 3, 12, 12, 3, 3, 3, 3, 0, 0},
      {1, 2, 8, 9, 2, 3, 2, 3, 0, 0},
      {1, 2, 9, 9, 3, 3, 2, 2, 0, 0}, // overlapping: libtorch's kernel
      {1, 2, 8, 8, 2, 2, 2, 2, 1, 1} // padded: libtorch's kernel
    };
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      for (long[] c : cases) {
        Shape kernel = new Shape(c[4], c[5]);
        Shape stride = new Shape(c[6], c[7]);
        Shape padding = new Shape(c[8], c[9]);
        NDArray x = manager.randomNormal(new Shape(c[0], c[1], c[2], c[3]));
        x.set(new ai.djl.ndarray.index.NDIndex("0, 0, 1, 1"), Float.NaN);
        x = x.maximum(-0.5f); // ties, as after a ReLU
        NDArray expected = Pool.maxPool2d(x, kernel, stride, padding, false);
        Block block = new MaxPool2dBlock(kernel, stride, padding);
        block.initialize(manager, DataType.FLOAT32, x.getShape());
        for (boolean training : new boolean[] {false, true}) {
          NDArray got =
              block
                  .forward(new ParameterStore(manager, false), new NDList(x), training)
                  .singletonOrThrow();
          assertThat(got.getShape()).isEqualTo(expected.getShape());
          assertThat(got.isNaN().toBooleanArray()).isEqualTo(expected.isNaN().toBooleanArray());
          assertThat(got.toFloatArray())
              .as("case %s, training %s", java.util.Arrays.toString(c), training)
              .isEqualTo(expected.toFloatArray());
        }
      }
    }
  }

  @Test
  void storedLikeDjlsOwnPoolingBlock() throws IOException {
    Shape two = new Shape(2, 2);
    Shape input = new Shape(1, 3, 8, 8);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Block ours = new MaxPool2dBlock(two, two, new Shape(0, 0));
      Block djl = Pool.maxPool2dBlock(two, two, new Shape(0, 0));
      ours.initialize(manager, DataType.FLOAT32, input);
      djl.initialize(manager, DataType.FLOAT32, input);
      assertThat(bytes(ours)).isEqualTo(bytes(djl));
      assertThat(ours.getOutputShapes(new Shape[] {input}))
          .isEqualTo(new Shape[] {new Shape(1, 3, 4, 4)});
    }
  }

  private static byte[] bytes(Block block) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    block.saveParameters(new DataOutputStream(out));
    return out.toByteArray();
  }
}
