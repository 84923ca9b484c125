package io.ticklake.catalog.contract;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The declared shape of one ticklake table: its schema (with field ids and required/optional),
 * partition spec, sort order and table properties. {@code ticklake init} creates tables from their
 * contracts and evolves existing tables towards them.
 *
 * @param id the table's identifier, {@code namespace.name} where the namespace is the tier
 * @param tier the tier the table belongs to
 * @param description one line on what the table holds
 * @param schema columns with stable field ids
 * @param spec partition spec over {@code schema}
 * @param sortOrder the order rows are written in, over {@code schema}
 * @param properties Iceberg table properties (compression per tier, format version, …)
 */
public record TableContract(
    TableIdentifier id,
    Tier tier,
    String description,
    Schema schema,
    PartitionSpec spec,
    SortOrder sortOrder,
    Map<String, String> properties) {

  public TableContract {
    requireNonNull(id, "id is null");
    requireNonNull(tier, "tier is null");
    requireNonNull(description, "description is null");
    requireNonNull(schema, "schema is null");
    requireNonNull(spec, "spec is null");
    requireNonNull(sortOrder, "sortOrder is null");
    requireNonNull(properties, "properties is null");
    if (!spec.schema().sameSchema(schema)) {
      throw new IllegalArgumentException("Cannot declare " + id + ": spec uses another schema");
    }
    if (!id.namespace().toString().equals(tier.namespace())) {
      throw new IllegalArgumentException(
          "Cannot declare " + id + ": tier " + tier + " lives in namespace " + tier.namespace());
    }
    properties = java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
  }

  /** The table name as users write it, e.g. {@code silver.trades}. */
  public String name() {
    return id.toString();
  }
}
