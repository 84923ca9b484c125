/**
 * Exchange calendars: when each exchange trades, in exchange-local wall-clock time, and how an
 * event instant maps to a trading date and a session (pre-market, regular, post-market, closed).
 *
 * <p>{@link io.ticklake.catalog.calendar.ExchangeDefinition} is the stored description of one
 * exchange (a row of {@code ref.exchange}); {@link io.ticklake.catalog.calendar.ExchangeCalendar}
 * answers questions about it; {@link io.ticklake.catalog.calendar.ExchangeCalendars} is the
 * registry by exchange id; {@link io.ticklake.catalog.calendar.LeanMarketHours} seeds definitions
 * from QuantConnect Lean's market-hours database (a trimmed copy is bundled as a resource).
 */
package io.ticklake.catalog.calendar;
