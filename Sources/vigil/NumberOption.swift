import ArgumentParser

/// Parsers for numeric options that refuse anything outside a stated range with a usage error (exit 1)
/// naming the range, instead of letting a huge or negative value reach arithmetic that would trap.
enum NumberOption {
    /// A whole number within `range`.
    static func whole(_ range: ClosedRange<Int>) -> @Sendable (String) throws -> Int {
        { text in
            guard let value = Int(text), range.contains(value) else {
                throw ValidationError("'\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
    }

    /// A decimal number within `range`.
    static func decimal(_ range: ClosedRange<Double>) -> @Sendable (String) throws -> Double {
        { text in
            guard let value = Double(text), range.contains(value) else {
                throw ValidationError("'\(text)' is not a number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
    }

    /// Ports a server listens on (0: any free port).
    static let port = whole(0...65_535)
    /// Requests or checks in flight at once.
    static let concurrency = whole(1...4_096)
    /// Milliseconds of injected latency (up to ten minutes).
    static let latencyMs = whole(0...600_000)
    /// Records or cases a benchmark seeds.
    static let seedCount = whole(1...10_000_000)
    /// Cases a listing shows.
    static let listCount = whole(0...10_000_000)
}
