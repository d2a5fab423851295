package io.kernelwise.training;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * End-of-epoch checkpoints of a run, one file in the job's checkpoint directory: the epoch, the
 * early-stopping state, the metrics so far, the block's parameters (BN running statistics included)
 * and the optimizer state. Written to a temporary file, forced to disk and moved into place
 * atomically, so a crash leaves either the previous checkpoint or the new one.
 */
final class Checkpoints {
  static final String FILE = "checkpoint.bin";
  private static final int MAGIC = 0x4b57434b; // "KWCK"
  // 2 adds the precision the run computes in; 1 (fp32 only) still reads
  private static final int VERSION = 2;

  /** What a checkpoint restores besides the parameters and optimizer state. */
  record State(
      int epoch,
      long seed,
      double best,
      int badEpochs,
      long optimizerSteps,
      List<EpochMetrics> epochs,
      String precision) {}

  private Checkpoints() {}

  static boolean exists(Path dir) {
    return dir != null && Files.isRegularFile(dir.resolve(FILE));
  }

  static void write(Path dir, State state, Block block, ParameterUpdater updater) {
    writeAtomically(
        dir.resolve(FILE),
        out -> {
          out.writeInt(MAGIC);
          out.writeInt(VERSION);
          out.writeInt(state.epoch());
          out.writeLong(state.seed());
          out.writeDouble(state.best());
          out.writeInt(state.badEpochs());
          out.writeLong(state.optimizerSteps());
          out.writeUTF(state.precision());
          out.writeInt(state.epochs().size());
          for (EpochMetrics m : state.epochs()) {
            out.writeInt(m.epoch());
            out.writeDouble(m.trainLoss());
            out.writeDouble(m.trainAccuracy());
            out.writeDouble(m.valLoss() == null ? Double.NaN : m.valLoss());
            out.writeDouble(m.valAccuracy() == null ? Double.NaN : m.valAccuracy());
            out.writeDouble(m.learningRate());
            out.writeDouble(m.imagesPerSecond());
            out.writeDouble(m.seconds());
          }
          block.saveParameters(out);
          ByteArrayOutputStream optimizer = new ByteArrayOutputStream();
          updater.state().encode(optimizer);
          out.writeInt(optimizer.size());
          optimizer.writeTo(out);
        });
  }

  /** Restores parameters and optimizer state into the given (initialized) block and updater. */
  static Optional<State> read(Path dir, Block block, ParameterUpdater updater, NDManager manager) {
    if (!exists(dir)) {
      return Optional.empty();
    }
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(dir.resolve(FILE))))) {
      int version = in.readInt() == MAGIC ? in.readInt() : -1;
      if (version != 1 && version != VERSION) {
        throw new IllegalStateException("not a Kernelwise checkpoint: " + dir.resolve(FILE));
      }
      int epoch = in.readInt();
      long seed = in.readLong();
      double best = in.readDouble();
      int badEpochs = in.readInt();
      long steps = in.readLong();
      String precision = version == 1 ? "fp32" : in.readUTF();
      int n = in.readInt();
      List<EpochMetrics> epochs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int e = in.readInt();
        double trainLoss = in.readDouble();
        double trainAccuracy = in.readDouble();
        double valLoss = in.readDouble();
        double valAccuracy = in.readDouble();
        epochs.add(
            new EpochMetrics(
                e,
                trainLoss,
                trainAccuracy,
                Double.isNaN(valLoss) ? null : valLoss,
                Double.isNaN(valAccuracy) ? null : valAccuracy,
                in.readDouble(),
                in.readDouble(),
                in.readDouble()));
      }
      block.loadParameters(manager, in);
      // loading replaces the parameter arrays; the new ones must collect gradients again
      block.getParameters().values().stream()
          .filter(Parameter::requiresGradient)
          .forEach(p -> p.getArray().setRequiresGradient(true));
      byte[] optimizer = in.readNBytes(in.readInt());
      try (NDManager temp = manager.newSubManager()) {
        updater.restore(steps, NDList.decode(temp, optimizer), manager);
      }
      return Optional.of(new State(epoch, seed, best, badEpochs, steps, epochs, precision));
    } catch (IOException | MalformedModelException e) {
      throw new IllegalStateException("unreadable checkpoint " + dir.resolve(FILE), e);
    }
  }

  /** The final parameters, as {@code Block#saveParameters} writes them, atomically. */
  static Path writeParameters(Path file, Block block) {
    writeAtomically(file, block::saveParameters);
    return file;
  }

  interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  static void writeAtomically(Path target, Writer writer) {
    try {
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
      try {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
          OutputStream raw = Channels.newOutputStream(channel);
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
          writer.write(out);
          out.flush();
          channel.force(true);
        }
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}
