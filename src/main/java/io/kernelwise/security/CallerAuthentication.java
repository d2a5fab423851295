package io.kernelwise.security;

import java.util.Arrays;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated caller; its authorities are its role and every role it includes. */
final class CallerAuthentication extends AbstractAuthenticationToken {
  private final Caller caller;

  CallerAuthentication(Caller caller) {
    super(authorities(caller.role()));
    this.caller = caller;
    setAuthenticated(true);
  }

  private static List<SimpleGrantedAuthority> authorities(Role role) {
    return Arrays.stream(Role.values())
        .filter(role::includes)
        .map(r -> new SimpleGrantedAuthority("ROLE_" + r.name()))
        .toList();
  }

  @Override
  public Object getCredentials() {
    return null; // the secret is not kept past the check
  }

  @Override
  public Caller getPrincipal() {
    return caller;
  }

  @Override
  public String getName() {
    return caller.prefix() != null ? caller.prefix() : caller.name();
  }
}
