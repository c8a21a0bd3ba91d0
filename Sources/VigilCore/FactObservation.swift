#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One source's statement about one fact: the fact is `yes` or `no` according to `provenance`.
public struct FactObservation: Sendable, Hashable, Codable {
    /// The fact observed.
    public var fact: FactKind
    /// What the source said; a source that knows nothing makes no observation.
    public var value: Bool
    /// Who said it.
    public var provenance: Provenance
    /// When Vigil learned it.
    public var at: Date

    /// Creates an observation.
    public init(fact: FactKind, value: Bool, provenance: Provenance, at: Date) {
        self.fact = fact
        self.value = value
        self.provenance = provenance
        self.at = at
    }
}
