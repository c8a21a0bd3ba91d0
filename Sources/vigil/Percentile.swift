/// The value at fraction `p` (0–1) of `sorted` (ascending), nearest rank; 0 for no values.
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}
