package io.kernelwise.network;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few pickle protocol 2 opcodes a TorchScript archive's {@code data.pkl} needs, written the way
 * {@code torch.jit.save} writes them (no memo: libtorch's unpickler does not need one).
 */
final class Pickler {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Pickler() {
    out.write(0x80); // PROTO
    out.write(2);
  }

  Pickler global(String module, String name) {
    out.write('c');
    ascii(module + "\n" + name + "\n");
    return this;
  }

  Pickler mark() {
    out.write('(');
    return this;
  }

  /** Everything since the last mark, as a tuple. */
  Pickler tuple() {
    out.write('t');
    return this;
  }

  Pickler emptyTuple() {
    out.write(')');
    return this;
  }

  Pickler emptyDict() {
    out.write('}');
    return this;
  }

  /** cls, args -> cls.__new__(cls, *args). */
  Pickler newObject() {
    out.write(0x81);
    return this;
  }

  /** callable, args -> callable(*args). */
  Pickler reduce() {
    out.write('R');
    return this;
  }

  /** The tuple on the stack is a persistent id (a tensor storage record). */
  Pickler persistentId() {
    out.write('Q');
    return this;
  }

  /** The key-value pairs since the last mark go into the dict below them. */
  Pickler setItems() {
    out.write('u');
    return this;
  }

  /** Sets the object's state from the dict on the stack. */
  Pickler build() {
    out.write('b');
    return this;
  }

  Pickler bool(boolean v) {
    out.write(v ? 0x88 : 0x89);
    return this;
  }

  Pickler string(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.write('X'); // BINUNICODE
    int32(bytes.length);
    out.write(bytes, 0, bytes.length);
    return this;
  }

  Pickler integer(long v) {
    if (v >= 0 && v < 256) {
      out.write('K');
      out.write((int) v);
    } else if (v >= 0 && v < 65536) {
      out.write('M');
      out.write((int) v & 0xff);
      out.write((int) (v >>> 8) & 0xff);
    } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      out.write('J');
      int32((int) v);
    } else {
      out.write(0x8a); // LONG1: 8 bytes, little-endian two's complement
      out.write(8);
      for (int i = 0; i < 8; i++) {
        out.write((int) (v >>> (8 * i)) & 0xff);
      }
    }
    return this;
  }

  byte[] stop() {
    out.write('.');
    return out.toByteArray();
  }

  private void int32(int v) {
    for (int i = 0; i < 4; i++) {
      out.write((v >>> (8 * i)) & 0xff);
    }
  }

  private void ascii(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
    out.write(bytes, 0, bytes.length);
  }
}
