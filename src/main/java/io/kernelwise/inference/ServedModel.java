package io.kernelwise.inference;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.pytorch.jni.JniUtils;
import io.kernelwise.system.ApiException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded model and its workers; it owns the model from construction on (closed when the last
 * worker ends, or at once when construction fails). Requests go into one bounded queue; each worker
 * thread owns its own {@link Predictor} (they are not thread-safe) and, with dynamic batching,
 * gathers queued images into one forward pass: up to {@code maxBatchSize} images, waiting at most
 * {@code maxBatchDelay} for more, and only while another worker is busy computing (with every
 * worker idle, waiting would only add latency). A full queue is refused at once.
 */
final class ServedModel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServedModel.class);

  record Settings(
      int workers,
      boolean batching,
      int maxBatchSize,
      long maxBatchDelayNanos,
      int queueCapacity,
      int intraOpThreads) {}

  /** Thrown by {@link #submit} when the model was unloaded meanwhile: load it again and retry. */
  static final class UnloadedException extends RuntimeException {
    UnloadedException() {
      super("model unloaded", null, false, false);
    }
  }

  private record Item(float[][] images, CompletableFuture<float[][]> result) {}

  final String id;
  final ServingInfo info;
  private final Model model;
  private final Settings settings;
  private final BlockingQueue<Item> queue;
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicInteger computing = new AtomicInteger();
  private final AtomicInteger alive;
  private final Timer forwardTimer;
  final Timer requestTimer;
  private final DistributionSummary batchSizes;
  private volatile boolean closed;

  ServedModel(
      String id,
      ServingInfo info,
      Model model,
      Settings settings,
      Timer forwardTimer,
      Timer requestTimer,
      DistributionSummary batchSizes) {
    this.id = id;
    this.info = info;
    this.model = model;
    this.settings = settings;
    this.forwardTimer = forwardTimer;
    this.requestTimer = requestTimer;
    this.batchSizes = batchSizes;
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.alive = new AtomicInteger(settings.workers());
    List<Predictor<BatchTranslator.Batch, float[][]>> predictors = new ArrayList<>();
    try {
      for (int i = 0; i < settings.workers(); i++) {
        Predictor<BatchTranslator.Batch, float[][]> predictor =
            model.newPredictor(new BatchTranslator(info.channels(), info.height(), info.width()));
        predictors.add(predictor);
        warmUp(predictor);
        Thread t = new Thread(() -> work(predictor), "predict-" + id + "-" + i);
        t.setDaemon(true);
        workers.add(t);
      }
    } catch (RuntimeException e) {
      // no worker runs yet, so nothing else will close them: this model owns the predictors
      predictors.forEach(Predictor::close);
      model.close();
      throw e;
    }
    workers.forEach(Thread::start);
  }

  /** One dummy image through each predictor, so the first user request pays no first-call cost. */
  private void warmUp(Predictor<BatchTranslator.Batch, float[][]> predictor) {
    try {
      predictor.predict(
          new BatchTranslator.Batch(new float[info.channels() * info.height() * info.width()], 1));
    } catch (ai.djl.translate.TranslateException e) {
      throw new IllegalStateException("warm-up of model " + id + " failed", e);
    }
  }

  /**
   * Queues images (CHW floats each) and returns their softmax rows, in order. With batching on,
   * each image is a separate queue item so that any images can be combined into one batch.
   */
  CompletableFuture<float[][]> submit(float[][] images) {
    if (closed) {
      throw new UnloadedException();
    }
    List<Item> items = new ArrayList<>();
    if (settings.batching()) {
      for (float[] image : images) {
        items.add(new Item(new float[][] {image}, new CompletableFuture<>()));
      }
    } else {
      items.add(new Item(images, new CompletableFuture<>()));
    }
    if (queue.remainingCapacity() < items.size()) {
      throw busy();
    }
    for (Item item : items) {
      if (!queue.offer(item)) {
        items.forEach(i -> i.result().cancel(false));
        throw busy();
      }
    }
    if (closed) {
      // the workers may have drained and exited before our offer: take the items back
      for (Item item : items) {
        if (queue.remove(item)) {
          item.result().cancel(false);
          throw new UnloadedException();
        }
      }
    }
    if (items.size() == 1) {
      return items.get(0).result();
    }
    CompletableFuture<?>[] all = items.stream().map(Item::result).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all)
        .thenApply(done -> items.stream().map(i -> i.result().join()[0]).toArray(float[][]::new));
  }

  private ApiException busy() {
    return ApiException.busy(
        "model '"
            + id
            + "' has "
            + queue.size()
            + " images waiting (kernelwise.inference.queue-capacity = "
            + settings.queueCapacity()
            + "); retry shortly");
  }

  int queued() {
    return queue.size();
  }

  private void work(Predictor<BatchTranslator.Batch, float[][]> predictor) {
    try (predictor) {
      // intra-op threads are per calling thread in PyTorch's OpenMP backend; 1 gave the best p99
      JniUtils.setNumThreads(settings.intraOpThreads());
      // autograd is on by default in every new thread: recording graphs for inference costs time
      // and memory
      JniUtils.setGradMode(false);
      List<Item> batch = new ArrayList<>();
      while (!closed || !queue.isEmpty()) {
        Item first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.clear();
        batch.add(first);
        if (settings.batching()) {
          gather(batch);
        }
        run(predictor, batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("inference worker for model {} stopped", id, e);
    } finally {
      if (alive.decrementAndGet() == 0) {
        queue.forEach(i -> i.result().completeExceptionally(new UnloadedException()));
        model.close();
        log.info("model {} unloaded", id);
      }
    }
  }

  private void gather(List<Item> batch) throws InterruptedException {
    int size = 1;
    long deadline = System.nanoTime() + settings.maxBatchDelayNanos();
    while (size < settings.maxBatchSize()) {
      Item next = queue.poll();
      if (next == null) {
        long wait = deadline - System.nanoTime();
        if (wait <= 0 || computing.get() == 0) {
          break; // nothing else is running: waiting would only add latency
        }
        next = queue.poll(Math.min(wait, 200_000L), TimeUnit.NANOSECONDS);
        if (next == null) {
          continue;
        }
      }
      batch.add(next);
      size++;
    }
  }

  private void run(Predictor<BatchTranslator.Batch, float[][]> predictor, List<Item> batch) {
    batch.removeIf(i -> i.result().isDone()); // timed out or cancelled meanwhile
    if (batch.isEmpty()) {
      return;
    }
    int images = batch.stream().mapToInt(i -> i.images().length).sum();
    int imageSize = info.channels() * info.height() * info.width();
    float[] data = new float[images * imageSize];
    int offset = 0;
    for (Item item : batch) {
      for (float[] image : item.images()) {
        System.arraycopy(image, 0, data, offset, imageSize);
        offset += imageSize;
      }
    }
    computing.incrementAndGet();
    long start = System.nanoTime();
    try {
      float[][] probabilities = predictor.predict(new BatchTranslator.Batch(data, images));
      forwardTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      batchSizes.record(images);
      int row = 0;
      for (Item item : batch) {
        float[][] rows = new float[item.images().length][];
        for (int k = 0; k < rows.length; k++) {
          rows[k] = probabilities[row++];
        }
        item.result().complete(rows);
      }
    } catch (Exception e) {
      log.error("forward pass of model {} failed for a batch of {}", id, images, e);
      batch.forEach(i -> i.result().completeExceptionally(e));
    } finally {
      computing.decrementAndGet();
    }
  }

  /** Stops taking requests; queued ones still run, then the predictors and the model close. */
  @Override
  public void close() {
    closed = true;
  }
}
