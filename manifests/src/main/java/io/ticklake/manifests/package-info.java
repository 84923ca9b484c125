/**
 * The ingest manifest: file identity, status history and row counts (filled by the ingest issue).
 */
package io.ticklake.manifests;
