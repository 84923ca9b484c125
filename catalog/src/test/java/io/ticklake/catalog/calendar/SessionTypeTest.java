package io.ticklake.catalog.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SessionTypeTest {
  @Test
  void labelsRoundTrip() {
    assertThat(SessionType.PRE.label()).isEqualTo("pre");
    assertThat(SessionType.REGULAR.label()).isEqualTo("regular");
    assertThat(SessionType.POST.label()).isEqualTo("post");
    assertThat(SessionType.CLOSED.label()).isEqualTo("closed");
    for (SessionType type : SessionType.values()) {
      assertThat(SessionType.fromLabel(type.label())).isSameAs(type);
    }
    assertThat(SessionType.fromLabel("REGULAR")).isSameAs(SessionType.REGULAR);
  }

  @Test
  void unknownLabelIsRejected() {
    assertThatThrownBy(() -> SessionType.fromLabel("lunch"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read session type 'lunch': expected one of pre, regular, post, closed");
  }
}
