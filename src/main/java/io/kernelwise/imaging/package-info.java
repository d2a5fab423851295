/**
 * Image decoding shared by dataset ingest and inference: one decoder, so an image is served exactly
 * as it was trained (same colour conversion, same resize).
 */
package io.kernelwise.imaging;
