package io.kernelwise.system;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This instance's name among those sharing a database: the job queue's and the ingests' owner. */
public final class InstanceName {
  private InstanceName() {}

  /** {@code kernelwise.training.instance-name}, else the host name (a pod name in Kubernetes). */
  public static String of(KernelwiseProperties properties) {
    return of(properties.training().instanceName());
  }

  public static String of(String configured) {
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "kernelwise";
    }
  }
}
