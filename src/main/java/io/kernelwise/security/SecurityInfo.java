package io.kernelwise.security;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/** {@code /actuator/info}'s {@code security}: whether keys are required, loudly when not. */
@Component
class SecurityInfo implements InfoContributor {
  static final String WARNING =
      "SECURITY IS DISABLED (kernelwise.security.enabled=false): anyone who can reach this port"
          + " can train, import, delete and read everything. Use it for a local demo only.";
  static final String DISABLED_BANNER =
      "\n**************************************************************************************\n"
          + WARNING
          + "\n**************************************************************************************";

  private final SecurityProperties properties;

  SecurityInfo(SecurityProperties properties) {
    this.properties = properties;
  }

  @Override
  public void contribute(org.springframework.boot.actuate.info.Info.Builder builder) {
    Map<String, Object> security = new LinkedHashMap<>();
    security.put("enabled", properties.enabled());
    if (!properties.enabled()) {
      security.put("warning", WARNING);
    }
    builder.withDetail("security", security);
  }
}
