/** Gold: bars, quality reports and exports built from Silver. */
package io.ticklake.gold;
