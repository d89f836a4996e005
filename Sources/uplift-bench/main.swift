// Micro-benchmarks driven by the scripts under loadtests/.
print("usage: uplift-bench <name>")
