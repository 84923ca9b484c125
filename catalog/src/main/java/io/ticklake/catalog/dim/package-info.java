/**
 * Dimension tables: {@code ref.dim_symbol}, the symbol registry as a slowly changing dimension
 * (type 2) guarded by optimistic concurrency.
 *
 * <ul>
 *   <li>{@link io.ticklake.catalog.dim.DimSymbolTable} reads the rows with their version and saves
 *       changes only if the table is still at that version (Iceberg's atomic commit with validation
 *       from the expected snapshot); {@link io.ticklake.catalog.dim.VersionConflictException} is a
 *       lost race.
 *   <li>{@link io.ticklake.catalog.dim.SymbolVersion} is one row; {@link
 *       io.ticklake.catalog.dim.SymbolIds} derives the stable {@code symbol_id} and normalises
 *       tickers and aliases to lookup keys; {@link io.ticklake.catalog.dim.DimSymbolValidator}
 *       holds the rules every saved state obeys.
 *   <li>{@link io.ticklake.catalog.dim.LeanMapFiles}, {@link
 *       io.ticklake.catalog.dim.LeanSymbolProperties} and {@link
 *       io.ticklake.catalog.dim.CryptoSymbols} read reference data; {@link
 *       io.ticklake.catalog.dim.SymbolLoader} turns it into versions ({@link
 *       io.ticklake.catalog.dim.Scd2} rules).
 *   <li>{@link io.ticklake.catalog.dim.SymbolRegistry} registers unknown symbols on first sight or
 *       rejects them, per {@link io.ticklake.catalog.dim.RegistrationPolicy}.
 *   <li>{@link io.ticklake.catalog.dim.SymbolResolver} resolves (exchange, ticker or alias,
 *       instant) to a version in memory; {@link io.ticklake.catalog.dim.SymbolLookup} does the same
 *       for millions of events in DuckDB.
 * </ul>
 */
package io.ticklake.catalog.dim;
