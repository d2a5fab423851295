package io.kernelwise.training;

import io.kernelwise.models.ModelRegistry;
import io.kernelwise.models.NewModel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test double: keeps what it was given, answers m-1, m-2, ... */
class FakeRegistry implements ModelRegistry {
  final List<NewModel> registered = new CopyOnWriteArrayList<>();

  @Override
  public String register(NewModel model) {
    registered.add(model);
    return "m-" + registered.size();
  }
}
