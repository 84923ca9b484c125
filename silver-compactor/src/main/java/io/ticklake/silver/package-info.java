/** Silver: deterministic validation, dedup and sort of Bronze partitions. */
package io.ticklake.silver;
