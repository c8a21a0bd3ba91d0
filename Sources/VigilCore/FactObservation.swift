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
    /// The person, address or account it is about, when known.
    public var about: Subject?

    /// Creates an observation.
    public init(fact: FactKind, value: Bool, provenance: Provenance, at: Date, about: Subject? = nil) {
        self.fact = fact
        self.value = value
        self.provenance = provenance
        self.at = at
        self.about = about
    }

    /// The same observation as recorded at `instant` (a store stamps a finding with its write time).
    public func recorded(at instant: Date) -> FactObservation {
        var stamped = self
        stamped.at = instant
        return stamped
    }
}
