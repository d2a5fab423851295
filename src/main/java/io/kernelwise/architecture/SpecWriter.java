package io.kernelwise.architecture;

import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a spec as DSL JSON with every default explicit, so that {@link SpecParser} reads back an
 * equal spec and {@code kw_torch.py} builds the same network from it.
 */
public final class SpecWriter {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SpecWriter() {}

  public static ObjectNode write(ArchitectureSpec spec) {
    ObjectNode root = NODES.objectNode();
    root.put("name", spec.name());
    ObjectNode input = root.putObject("input");
    input.put("channels", spec.input().channels());
    input.put("height", spec.input().height());
    input.put("width", spec.input().width());
    root.put("classes", spec.classes());
    root.set("layers", layers(spec.layers()));
    return root;
  }

  public static ArrayNode layers(List<LayerSpec> layers) {
    ArrayNode list = NODES.arrayNode();
    layers.forEach(l -> list.add(layer(l)));
    return list;
  }

  public static ObjectNode layer(LayerSpec layer) {
    ObjectNode o = NODES.objectNode();
    o.put("type", layer.type());
    if (layer instanceof LayerSpec.Conv c) {
      o.put("filters", c.filters());
      o.set("kernel", size(c.kernel()));
      o.set("stride", size(c.stride()));
      o.set("padding", padding(c.padding()));
      o.set("dilation", size(c.dilation()));
      o.put("groups", c.groups());
      convTail(o, c.bias(), c.batchNorm(), c.activation());
    } else if (layer instanceof LayerSpec.DepthwiseConv d) {
      o.set("kernel", size(d.kernel()));
      o.set("stride", size(d.stride()));
      o.set("padding", padding(d.padding()));
      o.put("multiplier", d.multiplier());
      convTail(o, d.bias(), d.batchNorm(), d.activation());
    } else if (layer instanceof LayerSpec.SeparableConv s) {
      o.put("filters", s.filters());
      o.set("kernel", size(s.kernel()));
      o.set("stride", size(s.stride()));
      o.set("padding", padding(s.padding()));
      convTail(o, s.bias(), s.batchNorm(), s.activation());
    } else if (layer instanceof LayerSpec.SpatialSeparableConv s) {
      o.put("filters", s.filters());
      o.put("kernel", s.kernel());
      o.set("stride", size(s.stride()));
      convTail(o, s.bias(), s.batchNorm(), s.activation());
    } else if (layer instanceof LayerSpec.Bottleneck b) {
      o.put("filters", b.filters());
      o.put("width", b.width());
      o.put("kernel", b.kernel());
      o.put("stride", b.stride());
      o.put("groups", b.groups());
      o.put("residual", b.residual());
    } else if (layer instanceof LayerSpec.Residual r) {
      o.set("layers", layers(r.layers()));
      o.put("shortcut", r.shortcut() == LayerSpec.Shortcut.AUTO ? "auto" : "identity");
      o.put("activation", r.activation().json());
    } else if (layer instanceof LayerSpec.Repeat r) {
      o.put("times", r.times());
      o.set("layers", layers(r.layers()));
    } else if (layer instanceof LayerSpec.Pool p) {
      o.set("size", size(p.size()));
      o.set("stride", size(p.stride()));
      o.set("padding", size(p.padding()));
    } else if (layer instanceof LayerSpec.Dense d) {
      o.put("units", d.units());
      o.put("activation", d.activation().json());
      o.put("bias", d.bias());
    } else if (layer instanceof LayerSpec.Dropout d) {
      o.put("rate", d.rate());
    } else if (layer instanceof LayerSpec.ActivationLayer a) {
      o.put("function", a.function().json());
    }

    return o;
  }

  private static void convTail(ObjectNode o, boolean bias, boolean batchNorm, Activation act) {
    o.put("bias", bias);
    o.put("batchNorm", batchNorm);
    o.put("activation", act.json());
  }

  private static tools.jackson.databind.JsonNode size(Size2 s) {
    if (s.isSquare()) {
      return NODES.numberNode(s.h());
    }
    return NODES.arrayNode().add(s.h()).add(s.w());
  }

  private static tools.jackson.databind.JsonNode padding(Padding p) {
    if (p instanceof Padding.Explicit e) {
      return size(e.size());
    }
    return NODES.stringNode(p instanceof Padding.Valid ? "valid" : "same");
  }
}
