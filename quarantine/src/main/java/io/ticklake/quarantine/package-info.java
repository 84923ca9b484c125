/** Validation rules and the quarantine table writer shared by ingest and compaction. */
package io.ticklake.quarantine;
