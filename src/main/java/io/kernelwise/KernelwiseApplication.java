package io.kernelwise;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class KernelwiseApplication {
  public static void main(String[] args) {
    SpringApplication.run(KernelwiseApplication.class, args);
  }
}
