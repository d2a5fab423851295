/**
 * Experiments: architectures trained side by side on one dataset with the same hyperparameters (the
 * article's 3x3 stack vs 5x5 vs separable on CIFAR-10), one training job each, compared by cost
 * (parameters, MACs, receptive field) and by result (validation accuracy per epoch, speed).
 */
package io.kernelwise.experiments;
