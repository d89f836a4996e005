// Asks the CPU to bring the cache line at `address` in ahead of a load (a hint: never faults).
// Swift has no prefetch of its own; hash-table probes over millions of values use this to overlap
// their cache misses.
static inline void uplift_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
