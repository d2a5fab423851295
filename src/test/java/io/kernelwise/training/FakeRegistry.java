package io.kernelwise.training;

import io.kernelwise.models.ModelRegistry;
import io.kernelwise.models.NewModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test double: keeps what it was given, answers m-1, m-2, ... */
class FakeRegistry implements ModelRegistry {
  final List<NewModel> registered = new CopyOnWriteArrayList<>();
  final Map<String, String> parametersByJob = new ConcurrentHashMap<>();

  @Override
  public String register(NewModel model) {
    try { // copies, like the real registry: the job's checkpoint directory is deleted afterwards
      parametersByJob.put(model.jobId(), Files.readString(model.parameters()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    registered.add(model);
    return "m-" + registered.size();
  }

  final List<String> discarded = new CopyOnWriteArrayList<>();

  @Override
  public void discard(String modelId) {
    discarded.add(modelId);
  }
}
